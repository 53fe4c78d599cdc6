// Thin binding to the writeback_diagnostics native library (C ABI, prefix wbd_).
//
// This file must stay plain C# 5: Windows PowerShell 5.1 compiles it with Add-Type, and the
// test suite compiles it with `mcs -langversion:5` and drives the real library through it.
// It only loads the library by absolute path, calls an export, copies the returned UTF-8
// string and frees it. Every decision about the data lives in the engine or the module.
//
// Ownership: every char* returned by wbd_run and wbd_job_poll belongs to the caller and is
// released with wbd_string_free exactly once, here, in a finally block. wbd_version returns
// a static string that is never freed.

using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace WritebackDiagnostics
{
    public static class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr VersionFn();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr RunFn(byte[] requestJson);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate ulong JobStartFn(byte[] requestJson);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr JobPollFn(ulong job);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void JobActionFn(ulong job);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void StringFreeFn(IntPtr value);

        private const int RTLD_NOW = 2;

        private static readonly object Gate = new object();
        private static volatile bool loaded;
        private static string loadedPath;

        private static VersionFn version;
        private static RunFn run;
        private static JobStartFn jobStart;
        private static JobPollFn jobPoll;
        private static JobActionFn jobCancel;
        private static JobActionFn jobFree;
        private static StringFreeFn stringFree;

        private static class Kernel32
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
            internal static extern IntPtr LoadLibraryW(string fileName);

            [DllImport("kernel32", SetLastError = true, ExactSpelling = true)]
            internal static extern IntPtr GetProcAddress(IntPtr module, byte[] procName);
        }

        private static class LibDl2
        {
            [DllImport("libdl.so.2")]
            internal static extern IntPtr dlopen(byte[] fileName, int flags);

            [DllImport("libdl.so.2")]
            internal static extern IntPtr dlsym(IntPtr handle, byte[] symbol);

            [DllImport("libdl.so.2")]
            internal static extern IntPtr dlerror();
        }

        private static class LibDl
        {
            [DllImport("libdl")]
            internal static extern IntPtr dlopen(byte[] fileName, int flags);

            [DllImport("libdl")]
            internal static extern IntPtr dlsym(IntPtr handle, byte[] symbol);

            [DllImport("libdl")]
            internal static extern IntPtr dlerror();
        }

        private static class LibSystem
        {
            [DllImport("libSystem.dylib")]
            internal static extern IntPtr dlopen(byte[] fileName, int flags);

            [DllImport("libSystem.dylib")]
            internal static extern IntPtr dlsym(IntPtr handle, byte[] symbol);

            [DllImport("libSystem.dylib")]
            internal static extern IntPtr dlerror();
        }

        private static class LibC
        {
            [DllImport("libc")]
            internal static extern int uname(byte[] buffer);
        }

        private enum Loader
        {
            Windows,
            LibDl2,
            LibDl,
            LibSystem
        }

        private static Loader loader;

        /// <summary>True once Load has bound every export.</summary>
        public static bool IsLoaded
        {
            get { return loaded; }
        }

        /// <summary>The path given to the successful Load call, or null.</summary>
        public static string LoadedPath
        {
            get { return loadedPath; }
        }

        /// <summary>
        /// Opens the library at an absolute path and binds every export. Later calls return at
        /// once; the library stays loaded for the life of the process.
        /// </summary>
        public static void Load(string absolutePath)
        {
            if (absolutePath == null)
            {
                throw new ArgumentNullException("absolutePath");
            }
            if (!Path.IsPathRooted(absolutePath))
            {
                throw new ArgumentException("The native library must be loaded by absolute path: " + absolutePath, "absolutePath");
            }

            lock (Gate)
            {
                if (loaded)
                {
                    return;
                }

                IntPtr handle = Open(absolutePath);
                version = Bind<VersionFn>(handle, "wbd_version");
                run = Bind<RunFn>(handle, "wbd_run");
                jobStart = Bind<JobStartFn>(handle, "wbd_job_start");
                jobPoll = Bind<JobPollFn>(handle, "wbd_job_poll");
                jobCancel = Bind<JobActionFn>(handle, "wbd_job_cancel");
                jobFree = Bind<JobActionFn>(handle, "wbd_job_free");
                stringFree = Bind<StringFreeFn>(handle, "wbd_string_free");
                loadedPath = absolutePath;
                loaded = true;
            }
        }

        /// <summary>wbd_version: the engine version (a static string, not freed).</summary>
        public static string Version()
        {
            EnsureLoaded();
            return CopyUtf8(version());
        }

        /// <summary>wbd_run: runs one request to completion and returns the envelope JSON.</summary>
        public static string Run(string requestJson)
        {
            EnsureLoaded();
            return TakeString(run(Utf8(requestJson)));
        }

        /// <summary>wbd_job_start: starts a request on a worker thread; 0 if none could start.</summary>
        public static ulong JobStart(string requestJson)
        {
            EnsureLoaded();
            return jobStart(Utf8(requestJson));
        }

        /// <summary>wbd_job_poll: the job's state, progress and, once done, its report.</summary>
        public static string JobPoll(ulong job)
        {
            EnsureLoaded();
            return TakeString(jobPoll(job));
        }

        /// <summary>wbd_job_cancel: asks a running job to stop.</summary>
        public static void JobCancel(ulong job)
        {
            EnsureLoaded();
            jobCancel(job);
        }

        /// <summary>wbd_job_free: releases a job (and cancels it if it still runs).</summary>
        public static void JobFree(ulong job)
        {
            EnsureLoaded();
            jobFree(job);
        }

        private static void EnsureLoaded()
        {
            if (!loaded)
            {
                throw new InvalidOperationException("The writeback_diagnostics native library is not loaded; call Load first.");
            }
        }

        private static byte[] Utf8(string value)
        {
            if (value == null)
            {
                return null;
            }
            return Encoding.UTF8.GetBytes(value + "\0");
        }

        private static string TakeString(IntPtr value)
        {
            try
            {
                return CopyUtf8(value);
            }
            finally
            {
                stringFree(value);
            }
        }

        private static string CopyUtf8(IntPtr value)
        {
            if (value == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(value, length) != 0)
            {
                length++;
            }
            byte[] bytes = new byte[length];
            Marshal.Copy(value, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        private static IntPtr Open(string absolutePath)
        {
            IntPtr handle;
            if (IsWindows())
            {
                loader = Loader.Windows;
                handle = Kernel32.LoadLibraryW(absolutePath);
                if (handle == IntPtr.Zero)
                {
                    throw new DllNotFoundException("LoadLibraryW failed for '" + absolutePath + "' (Win32 error " + Marshal.GetLastWin32Error() + ").");
                }
                return handle;
            }

            byte[] path = Utf8(absolutePath);
            if (IsMacOS())
            {
                loader = Loader.LibSystem;
                handle = LibSystem.dlopen(path, RTLD_NOW);
            }
            else
            {
                try
                {
                    loader = Loader.LibDl2;
                    handle = LibDl2.dlopen(path, RTLD_NOW);
                }
                catch (DllNotFoundException)
                {
                    loader = Loader.LibDl;
                    handle = LibDl.dlopen(path, RTLD_NOW);
                }
            }
            if (handle == IntPtr.Zero)
            {
                throw new DllNotFoundException("dlopen failed for '" + absolutePath + "': " + DlError());
            }
            return handle;
        }

        // The generic GetDelegateForFunctionPointer (.NET Framework 4.5.1+) is used because the
        // Type overload is marked obsolete, and Add-Type treats compiler warnings as errors.
        private static T Bind<T>(IntPtr handle, string name)
        {
            byte[] symbol = Encoding.ASCII.GetBytes(name + "\0");
            IntPtr address;
            switch (loader)
            {
                case Loader.Windows:
                    address = Kernel32.GetProcAddress(handle, symbol);
                    break;
                case Loader.LibSystem:
                    address = LibSystem.dlsym(handle, symbol);
                    break;
                case Loader.LibDl:
                    address = LibDl.dlsym(handle, symbol);
                    break;
                default:
                    address = LibDl2.dlsym(handle, symbol);
                    break;
            }
            if (address == IntPtr.Zero)
            {
                throw new EntryPointNotFoundException("The native library has no export named " + name + ".");
            }
            return Marshal.GetDelegateForFunctionPointer<T>(address);
        }

        private static string DlError()
        {
            IntPtr message;
            switch (loader)
            {
                case Loader.LibSystem:
                    message = LibSystem.dlerror();
                    break;
                case Loader.LibDl:
                    message = LibDl.dlerror();
                    break;
                default:
                    message = LibDl2.dlerror();
                    break;
            }
            string text = CopyUtf8(message);
            return text == null ? "no reason given" : text;
        }

        private static bool IsWindows()
        {
            return Environment.OSVersion.Platform == PlatformID.Win32NT;
        }

        private static bool IsMacOS()
        {
            if (Environment.OSVersion.Platform == PlatformID.MacOSX)
            {
                return true;
            }

            // .NET and newer Mono report Unix on macOS. RuntimeInformation knows better, but it
            // is absent from .NET Framework 4.5, so it is reached by reflection.
            const string infoName = "System.Runtime.InteropServices.RuntimeInformation";
            const string platformName = "System.Runtime.InteropServices.OSPlatform";
            const string facade = ", System.Runtime.InteropServices.RuntimeInformation";
            Type info = typeof(object).Assembly.GetType(infoName, false) ?? Type.GetType(infoName + facade, false);
            Type osPlatform = typeof(object).Assembly.GetType(platformName, false) ?? Type.GetType(platformName + facade, false);
            if (info != null && osPlatform != null)
            {
                PropertyInfo osx = osPlatform.GetProperty("OSX", BindingFlags.Public | BindingFlags.Static);
                MethodInfo isOsPlatform = info.GetMethod("IsOSPlatform", BindingFlags.Public | BindingFlags.Static);
                if (osx != null && isOsPlatform != null)
                {
                    return (bool)isOsPlatform.Invoke(null, new object[] { osx.GetValue(null, null) });
                }
            }

            // Fallback: uname(2) puts the kernel name first in struct utsname on every Unix.
            byte[] buffer = new byte[8192];
            try
            {
                if (LibC.uname(buffer) != 0)
                {
                    return false;
                }
            }
            catch (DllNotFoundException)
            {
                return false;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
            int end = Array.IndexOf(buffer, (byte)0);
            return Encoding.ASCII.GetString(buffer, 0, end < 0 ? 0 : end) == "Darwin";
        }
    }
}
