using System;
using System.Management.Automation.Runspaces;
using Microsoft.PowerShell;

namespace WritebackDiagnostics.Tools
{
    /// <summary>Starts PowerShell's own console host with pwsh's command-line parsing.</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();
            return ConsoleShell.Start(state, null, null, args);
        }
    }
}
