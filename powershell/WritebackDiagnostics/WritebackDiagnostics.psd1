@{
    RootModule           = 'WritebackDiagnostics.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'b24285cf-4d30-453d-9094-8d977d73fe9b'
    Author               = 'WritebackDiagnostics contributors'
    CompanyName          = 'WritebackDiagnostics contributors'
    Copyright            = '(c) WritebackDiagnostics contributors. MIT License.'
    Description          = 'Diagnoses why Microsoft Entra self-service password writeback does not work: every prerequisite (licences, tenant and admin settings, Entra Connect version and configuration, TLS, .NET, PDC emulators, password policies) and the network path (DNS, TCP, proxy, TLS, HTTP) from the Entra Connect server to the writeback endpoints, with one object per check.'

    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')

    # ADSync, ActiveDirectory and Microsoft Graph are optional collectors, detected at run time.
    RequiredModules      = @()

    FormatsToProcess     = @('WritebackDiagnostics.Format.ps1xml')

    # One line per public function; tests/powershell_static.rs checks this list against Public/*.ps1.
    FunctionsToExport    = @(
        'Export-WritebackReport'
        'Get-WritebackEnvironment'
        'Invoke-WritebackDiagnostic'
        'Save-WritebackSupportBundle'
        'Test-WritebackConnectivity'
        'Test-WritebackEventLog'
        'Test-WritebackPermission'
        'Test-WritebackPrerequisite'
        'Test-WritebackUser'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @(
                'Entra',
                'EntraID',
                'AzureAD',
                'EntraConnect',
                'ActiveDirectory',
                'SSPR',
                'PasswordWriteback',
                'Diagnostics',
                'PSEdition_Desktop',
                'PSEdition_Core',
                'Windows',
                'Linux',
                'macOS'
            )
            # The project's address is to be confirmed by the owner before the first Gallery
            # release; LicenseUri points at the LICENSE file at the repository root.
            ProjectUri   = 'https://github.com/WritebackDiagnostics/WritebackDiagnostics'
            LicenseUri   = 'https://github.com/WritebackDiagnostics/WritebackDiagnostics/blob/main/LICENSE'
            ReleaseNotes = 'First release. One module for Windows PowerShell 5.1 and PowerShell 7 on win-x64, linux-x64 and osx-arm64 (engines under runtimes/<rid>/native/). Windows needs a 64-bit PowerShell process in FullLanguage mode (the native shim is compiled with Add-Type). Linux needs glibc 2.34 or newer (RHEL 9, Debian 12, Ubuntu 22.04 or later); on older systems build the engine from source with cargo build --release.'
        }
    }
}
