// Drives the real writeback_diagnostics library through powershell/.../Native/WbdNative.cs.
//
// Compiled by tests/shim_mono.rs together with WbdNative.cs using `mcs -langversion:5`, so it
// is C# 5 as well. Usage: ShimDriver.exe <absolute library path> <silent loopback port>
//
// Prints one line per step: "PASS <step> key=value ..." or "FAIL <step>: reason", then
// "DONE <failures>". The exit code is the number of failed steps (0 = all passed).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using WritebackDiagnostics;

internal static class ShimDriver
{
    private static int failures;

    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.WriteLine("FAIL usage: ShimDriver.exe <library path> <silent port>");
            return 2;
        }
        string library = args[0];
        int silentPort = int.Parse(args[1], CultureInfo.InvariantCulture);

        Step("load-guards", delegate { return LoadGuards(library); });
        Step("load", delegate { return LoadLibrary(library); });
        if (!Native.IsLoaded)
        {
            Console.WriteLine("DONE " + failures);
            return failures;
        }
        Step("version", VersionStep);
        Step("run-unicode-command", RunUnicodeCommand);
        Step("run-unicode-endpoint", RunUnicodeEndpoint);
        Step("run-malformed", RunMalformed);
        Step("job-refused", JobRefused);
        Step("job-bad-request", JobBadRequest);
        Step("job-cancel", delegate { return JobCancel(silentPort); });
        Step("job-unknown", JobUnknown);

        Console.WriteLine("DONE " + failures);
        return failures;
    }

    private delegate string StepBody();

    private static void Step(string name, StepBody body)
    {
        try
        {
            string detail = body();
            Console.WriteLine("PASS " + name + (detail.Length > 0 ? " " + detail : ""));
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("FAIL " + name + ": " + e.GetType().Name + ": " + OneLine(e.Message));
        }
    }

    private static string LoadGuards(string library)
    {
        Expect(!Native.IsLoaded, "IsLoaded is true before Load");
        ExpectThrows<InvalidOperationException>(delegate { Native.Version(); }, "Version before Load");
        ExpectThrows<ArgumentException>(delegate { Native.Load("relative/" + System.IO.Path.GetFileName(library)); }, "relative path");
        ExpectThrows<DllNotFoundException>(delegate { Native.Load(library + ".does-not-exist"); }, "missing file");
        Expect(!Native.IsLoaded, "IsLoaded is true after failed loads");
        return "";
    }

    private static string LoadLibrary(string library)
    {
        Native.Load(library);
        Native.Load(library);
        Expect(Native.IsLoaded, "IsLoaded is false after Load");
        Expect(Native.LoadedPath == library, "LoadedPath is " + Native.LoadedPath);
        return "";
    }

    private static string VersionStep()
    {
        string version = Native.Version();
        Expect(!string.IsNullOrEmpty(version), "empty version");
        Expect(char.IsDigit(version[0]) && version.Contains("."), "version does not look like x.y.z: " + version);
        // Static string: calling twice must give the same text and must not crash.
        Expect(Native.Version() == version, "version changed between calls");
        return "value=" + version;
    }

    private static string RunUnicodeCommand()
    {
        string raw = Native.Run("{\"Command\":\"\u00fcnknown\",\"Options\":{\"Endpoints\":[\"b\u00fccher.invalid\"]}}");
        Dictionary<string, object> envelope = ParseObject(raw);
        Expect(Equals(Get(envelope, "Ok"), false), "Ok is not false: " + raw);
        Expect(Equals(Get(envelope, "Error", "Code"), "UnknownCommand"), "Code is not UnknownCommand: " + raw);
        NoMojibake(raw);
        string message = (string)Get(envelope, "Error", "Message");
        return "code=UnknownCommand echo=" + (message.Contains("\u00fcnknown") ? "exact" : "absent");
    }

    private static string RunUnicodeEndpoint()
    {
        string raw = Native.Run("{\"Command\":\"connectivity\",\"Options\":{\"Endpoints\":[\"b\u00fccher.invalid:443\"],\"NoDefaultEndpoints\":true,\"TimeoutMs\":2000,\"OverallTimeoutMs\":10000}}");
        Dictionary<string, object> envelope = ParseObject(raw);
        NoMojibake(raw);
        Expect(Equals(Get(envelope, "Ok"), true), "Ok is not true: " + raw);
        List<object> results = (List<object>)Get(envelope, "Report", "Results");
        Expect(results.Count > 0, "no results: " + raw);
        foreach (object item in results)
        {
            // Rows about the whole run (clock, allow-list, ...) have their own targets.
            if (Equals(Get(item, "Evidence", "Scope"), "Run"))
            {
                continue;
            }
            object target = Get(item, "Target");
            Expect(Equals(target, "b\u00fccher.invalid:443"), "Target did not round-trip: " + target);
        }
        return "results=" + results.Count + " target=exact";
    }

    private static string RunMalformed()
    {
        string raw = Native.Run("{\"Command\":");
        Dictionary<string, object> envelope = ParseObject(raw);
        Expect(Equals(Get(envelope, "Ok"), false), "Ok is not false: " + raw);
        Expect(Equals(Get(envelope, "Error", "Code"), "InvalidJson"), "Code is not InvalidJson: " + raw);
        return "code=InvalidJson";
    }

    private static string JobRefused()
    {
        ulong job = Native.JobStart("{\"Command\":\"connectivity\",\"Options\":{\"Endpoints\":[\"127.0.0.1:1\"],\"NoDefaultEndpoints\":true,\"TimeoutMs\":1000}}");
        Expect(job != 0, "JobStart returned 0");
        try
        {
            int polls;
            Dictionary<string, object> last = PollUntilSettled(job, 200, out polls);
            Expect(Equals(Get(last, "State"), "Completed"), "final state is not Completed: " + Serialize(last));
            Expect(Equals(Get(last, "Ok"), true), "Ok is not true on a completed job");
            List<object> results = (List<object>)Get(last, "Report", "Results");
            Dictionary<string, object> tcp = null;
            foreach (object item in results)
            {
                Dictionary<string, object> result = (Dictionary<string, object>)item;
                if (Equals(result["Id"], "CONN-TCP"))
                {
                    tcp = result;
                }
                Expect(Get(result, "Evidence", "Outcome") is string, "a result has no Evidence.Outcome");
            }
            Expect(tcp != null, "no CONN-TCP result");
            return "state=Completed polls=" + polls + " results=" + results.Count
                + " tcp=" + tcp["Status"] + " outcome=" + Get(tcp, "Evidence", "Outcome");
        }
        finally
        {
            Native.JobFree(job);
        }
    }

    private static string JobBadRequest()
    {
        ulong job = Native.JobStart("this is not json");
        Expect(job != 0, "JobStart returned 0 for a bad request");
        try
        {
            int polls;
            Dictionary<string, object> last = PollUntilSettled(job, 200, out polls);
            Expect(Equals(Get(last, "Ok"), false), "Ok is not false");
            Expect(Equals(Get(last, "State"), "Failed"), "State is not Failed: " + Serialize(last));
            Expect(Equals(Get(last, "Error", "Code"), "InvalidJson"), "Code is not InvalidJson: " + Serialize(last));
            return "state=Failed code=InvalidJson";
        }
        finally
        {
            Native.JobFree(job);
        }
    }

    private static string JobCancel(int silentPort)
    {
        ulong job = Native.JobStart("{\"Command\":\"connectivity\",\"Options\":{\"Endpoints\":[\"127.0.0.1:" + silentPort
            + "\"],\"NoDefaultEndpoints\":true,\"TimeoutMs\":20000,\"OverallTimeoutMs\":60000}}");
        Expect(job != 0, "JobStart returned 0");
        try
        {
            Thread.Sleep(300);
            Dictionary<string, object> before = ParseObject(Native.JobPoll(job));
            Expect(Equals(Get(before, "State"), "Running"), "job is not Running before cancel: " + Serialize(before));
            Stopwatch clock = Stopwatch.StartNew();
            Native.JobCancel(job);
            Native.JobCancel(job);
            int polls;
            Dictionary<string, object> last = PollUntilSettled(job, 200, out polls);
            long elapsed = clock.ElapsedMilliseconds;
            Expect(Equals(Get(last, "State"), "Cancelled"), "state after cancel: " + Serialize(last));
            Expect(Equals(Get(last, "Ok"), false), "Ok is not false after cancel");
            Expect(Equals(Get(last, "Error", "Code"), "Cancelled"), "Code is not Cancelled");
            Expect(elapsed < 3000, "cancel took " + elapsed + " ms");
            return "state=Cancelled ms=" + elapsed;
        }
        finally
        {
            Native.JobFree(job);
        }
    }

    private static string JobUnknown()
    {
        ulong job = Native.JobStart("{\"Command\":\"connectivity\",\"Options\":{\"Endpoints\":[\"127.0.0.1:1\"],\"NoDefaultEndpoints\":true,\"TimeoutMs\":1000}}");
        Expect(job != 0, "JobStart returned 0");
        Native.JobFree(job);
        string raw = Native.JobPoll(job);
        Dictionary<string, object> freed = ParseObject(raw);
        Expect(Equals(Get(freed, "Ok"), false), "Ok is not false for a freed job: " + raw);
        Expect(Equals(Get(freed, "Error", "Code"), "UnknownJob"), "Code is not UnknownJob for a freed job: " + raw);
        // A second free and a cancel of a freed id are harmless.
        Native.JobFree(job);
        Native.JobCancel(job);
        ulong[] never = new ulong[] { 0, ulong.MaxValue, job + 1000 };
        foreach (ulong id in never)
        {
            Expect(Equals(Get(ParseObject(Native.JobPoll(id)), "Error", "Code"), "UnknownJob"), "Code is not UnknownJob for id " + id);
        }
        return "code=UnknownJob";
    }

    // Polls every 50 ms until State is no longer Running; every poll must be a valid envelope.
    private static Dictionary<string, object> PollUntilSettled(ulong job, int maxPolls, out int polls)
    {
        for (polls = 1; polls <= maxPolls; polls++)
        {
            Dictionary<string, object> poll = ParseObject(Native.JobPoll(job));
            object state = Get(poll, "State");
            if (!Equals(state, "Running"))
            {
                return poll;
            }
            object percent = Get(poll, "Progress", "Percent");
            Expect(percent is double && (double)percent >= 0 && (double)percent <= 100, "bad Progress.Percent: " + Serialize(poll));
            Thread.Sleep(50);
        }
        throw new TimeoutException("job still Running after " + maxPolls + " polls");
    }

    private static void NoMojibake(string raw)
    {
        // UTF-8 read back as Latin-1 turns "\u00fc" into "\u00c3\u00bc".
        Expect(raw.IndexOf('\u00c3') < 0, "UTF-8 was decoded with the wrong encoding: " + raw);
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new Exception(message);
        }
    }

    private delegate void Action0();

    private static void ExpectThrows<T>(Action0 action, string what) where T : Exception
    {
        try
        {
            action();
        }
        catch (T)
        {
            return;
        }
        throw new Exception(what + ": expected " + typeof(T).Name);
    }

    private static string OneLine(string text)
    {
        return text.Replace("\r", " ").Replace("\n", " ");
    }

    private static object Get(object node, params string[] path)
    {
        object current = node;
        foreach (string key in path)
        {
            Dictionary<string, object> map = current as Dictionary<string, object>;
            if (map == null || !map.TryGetValue(key, out current))
            {
                return null;
            }
        }
        return current;
    }

    private static Dictionary<string, object> ParseObject(string raw)
    {
        Expect(raw != null, "the library returned NULL");
        Dictionary<string, object> map = new JsonReader(raw).ParseDocument() as Dictionary<string, object>;
        Expect(map != null, "not a JSON object: " + raw);
        return map;
    }

    private static string Serialize(object value)
    {
        StringBuilder text = new StringBuilder();
        Dictionary<string, object> map = value as Dictionary<string, object>;
        List<object> list = value as List<object>;
        if (map != null)
        {
            text.Append('{');
            bool first = true;
            foreach (KeyValuePair<string, object> pair in map)
            {
                text.Append(first ? "" : ",").Append('"').Append(pair.Key).Append("\":").Append(Serialize(pair.Value));
                first = false;
            }
            text.Append('}');
        }
        else if (list != null)
        {
            text.Append('[');
            for (int i = 0; i < list.Count; i++)
            {
                text.Append(i == 0 ? "" : ",").Append(Serialize(list[i]));
            }
            text.Append(']');
        }
        else if (value is string)
        {
            text.Append('"').Append((string)value).Append('"');
        }
        else if (value is bool)
        {
            text.Append((bool)value ? "true" : "false");
        }
        else if (value == null)
        {
            text.Append("null");
        }
        else
        {
            text.Append(((double)value).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    // Strict RFC 8259 reader: objects, arrays, strings, numbers (as double), literals.
    private sealed class JsonReader
    {
        private readonly string text;
        private int position;

        internal JsonReader(string text)
        {
            this.text = text;
        }

        internal object ParseDocument()
        {
            object value = ParseValue();
            SkipWhitespace();
            if (position != text.Length)
            {
                throw Error("trailing characters");
            }
            return value;
        }

        private object ParseValue()
        {
            SkipWhitespace();
            if (position >= text.Length)
            {
                throw Error("unexpected end");
            }
            char c = text[position];
            if (c == '{')
            {
                return ParseObjectBody();
            }
            if (c == '[')
            {
                return ParseArrayBody();
            }
            if (c == '"')
            {
                return ParseString();
            }
            if (c == '-' || char.IsDigit(c))
            {
                return ParseNumber();
            }
            if (Literal("true"))
            {
                return true;
            }
            if (Literal("false"))
            {
                return false;
            }
            if (Literal("null"))
            {
                return null;
            }
            throw Error("unexpected character '" + c + "'");
        }

        private Dictionary<string, object> ParseObjectBody()
        {
            Dictionary<string, object> map = new Dictionary<string, object>();
            position++;
            SkipWhitespace();
            if (Peek() == '}')
            {
                position++;
                return map;
            }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Error("expected a key");
                }
                string key = ParseString();
                SkipWhitespace();
                Consume(':');
                if (map.ContainsKey(key))
                {
                    throw Error("duplicate key " + key);
                }
                map[key] = ParseValue();
                SkipWhitespace();
                if (Peek() == ',')
                {
                    position++;
                    continue;
                }
                Consume('}');
                return map;
            }
        }

        private List<object> ParseArrayBody()
        {
            List<object> list = new List<object>();
            position++;
            SkipWhitespace();
            if (Peek() == ']')
            {
                position++;
                return list;
            }
            while (true)
            {
                list.Add(ParseValue());
                SkipWhitespace();
                if (Peek() == ',')
                {
                    position++;
                    continue;
                }
                Consume(']');
                return list;
            }
        }

        private string ParseString()
        {
            StringBuilder value = new StringBuilder();
            position++;
            while (true)
            {
                if (position >= text.Length)
                {
                    throw Error("unterminated string");
                }
                char c = text[position++];
                if (c == '"')
                {
                    return value.ToString();
                }
                if (c < ' ')
                {
                    throw Error("control character in string");
                }
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                char escape = position < text.Length ? text[position++] : '\0';
                switch (escape)
                {
                    case '"': value.Append('"'); break;
                    case '\\': value.Append('\\'); break;
                    case '/': value.Append('/'); break;
                    case 'b': value.Append('\b'); break;
                    case 'f': value.Append('\f'); break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case 'u':
                        if (position + 4 > text.Length)
                        {
                            throw Error("short \\u escape");
                        }
                        value.Append((char)int.Parse(text.Substring(position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        position += 4;
                        break;
                    default:
                        throw Error("bad escape");
                }
            }
        }

        private double ParseNumber()
        {
            int start = position;
            if (Peek() == '-')
            {
                position++;
            }
            while (position < text.Length && "0123456789.eE+-".IndexOf(text[position]) >= 0)
            {
                position++;
            }
            double value;
            if (!double.TryParse(text.Substring(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw Error("bad number");
            }
            return value;
        }

        private bool Literal(string word)
        {
            if (string.CompareOrdinal(text, position, word, 0, word.Length) == 0)
            {
                position += word.Length;
                return true;
            }
            return false;
        }

        private void SkipWhitespace()
        {
            while (position < text.Length && (text[position] == ' ' || text[position] == '\t' || text[position] == '\n' || text[position] == '\r'))
            {
                position++;
            }
        }

        private char Peek()
        {
            return position < text.Length ? text[position] : '\0';
        }

        private void Consume(char expected)
        {
            if (Peek() != expected)
            {
                throw Error("expected '" + expected + "'");
            }
            position++;
        }

        private FormatException Error(string what)
        {
            return new FormatException("invalid JSON at offset " + position + ": " + what);
        }
    }
}
