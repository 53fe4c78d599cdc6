function Save-WritebackSupportBundle {
    <#
    .SYNOPSIS
    Saves everything needed to diagnose password writeback on this server as one redacted .zip file.

    .DESCRIPTION
    Save-WritebackSupportBundle collects, on the Entra Connect server, what the diagnostics
    need and writes it as one zip file that can be sent to a colleague or to support and
    evaluated anywhere with Invoke-WritebackDiagnostic -Bundle or wbdiag all --bundle:

        manifest.json       Tool, Version, CreatedAt, ComputerName and Items: for each item
                            its Name, Path, Status (Collected or Unavailable) and Reason.
        environment.json    The environment snapshot (Get-WritebackEnvironment), as
                            ConvertTo-Json -Depth 20 writes it.
        events.json         The PasswordResetService and ADSync events of the Application
                            log (Windows only), as Test-WritebackEventLog -Path reads them.
        server-config/      The Get-ADSyncServerConfiguration export (ADSync only).
        connectivity.json   The connectivity report (Test-WritebackConnectivity).

    An item that cannot be collected here is Unavailable in the manifest with the reason (for
    example that this computer is not running Windows or the ADSync module is not installed)
    and is not in the zip. The bundle holds no secrets: the snapshot goes through the module's
    redaction step, and the events, the configuration export and the connectivity report are
    cleaned the same way (passwords, tokens, keys, credentials, user:password@ in URLs).

    Everything is staged in a new temporary folder, which is deleted when the command ends,
    also when it fails or is stopped with Ctrl+C. The zip uses deflate, as Compress-Archive
    writes it, with '/' in entry names. An existing file is not overwritten unless -Force is
    given (ErrorId WbdFileExists). The command never prompts.

    .PARAMETER Path
    The .zip file to write. Taken literally (no wildcards); a relative path is resolved
    against the current PowerShell location.

    .PARAMETER Force
    Overwrites the file at -Path if it exists.

    .PARAMETER Since
    The oldest event to save (default: 7 days ago).

    .PARAMETER MaxEvents
    The largest number of events to save, the newest ones (default 20000).

    .PARAMETER Endpoint
    Connectivity report: extra endpoints as HOST or HOST:PORT (see Test-WritebackConnectivity).

    .PARAMETER NoDefaultEndpoint
    Connectivity report: tests only -Endpoint and -Namespace, not the cloud's default endpoints.

    .PARAMETER Proxy
    Connectivity report: an explicit HTTP proxy (http://host:port); any user:password@ in it is
    never saved.

    .PARAMETER CaFile
    Connectivity report: a PEM file of extra CA certificates to trust in the TLS check.

    .PARAMETER TimeoutSeconds
    Connectivity report: the timeout of each stage per endpoint, 1 to 300 seconds (default 5).

    .PARAMETER DnsServer
    Connectivity report: a DNS server (IP or IP:PORT) to ask instead of the system resolver.

    .PARAMETER Namespace
    Connectivity report: the tenant's Service Bus relay namespaces, tested first.

    .PARAMETER IdleTimeout
    Connectivity report: also measures how long idle connections survive (about six minutes).

    .EXAMPLE
    Save-WritebackSupportBundle -Path .\writeback-case.zip

    On the Entra Connect server, in an elevated session: saves the snapshot, the writeback
    events, the sync configuration and a connectivity report in one file.

    .EXAMPLE
    Save-WritebackSupportBundle -Path C:\Temp\case.zip -Force -Since (Get-Date).AddDays(-1)
    Invoke-WritebackDiagnostic -Bundle C:\Temp\case.zip | Export-WritebackReport -Path C:\Temp\case.html

    Overwrites an earlier bundle with one holding a day of events, then evaluates it into an
    HTML report, as support would on their own machine.

    .INPUTS
    None. You cannot pipe objects to Save-WritebackSupportBundle.

    .OUTPUTS
    System.IO.FileInfo
    The zip file written.

    .LINK
    Invoke-WritebackDiagnostic

    .LINK
    about_WritebackDiagnostics
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param (
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter()]
        [switch] $Force,

        [Parameter()]
        [datetime] $Since,

        [Parameter()]
        [ValidateRange(1, 2147483647)]
        [int] $MaxEvents = 20000,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Endpoint,

        [Parameter()]
        [switch] $NoDefaultEndpoint,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Proxy,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $CaFile,

        [Parameter()]
        [ValidateRange(1, 300)]
        [int] $TimeoutSeconds = 5,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $DnsServer,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Namespace,

        [Parameter()]
        [switch] $IdleTimeout
    )

    $activity = 'Saving the writeback support bundle'
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    $utf8 = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false

    # Taken literally, like -LiteralPath; checked before anything is collected.
    $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    if ([System.IO.Directory]::Exists($file)) {
        $message = '-Path ''{0}'' is a folder. Give the name of the .zip file to write.' -f $file
        $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $file))
    }
    $folder = [System.IO.Path]::GetDirectoryName($file)
    if ($folder -and -not [System.IO.Directory]::Exists($folder)) {
        $message = 'The folder of -Path ''{0}'' does not exist. Create it first or choose another path.' -f $file
        $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $file))
    }
    if ([System.IO.File]::Exists($file) -and -not $Force) {
        $message = 'The file ''{0}'' exists already. Use -Force to overwrite it, or choose another path.' -f $file
        $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdFileExists' -Category ResourceExists -Message $message -TargetObject $file))
    }
    if (-not $PSBoundParameters.ContainsKey('Since')) {
        $Since = (Get-Date).AddDays(-7)
    }

    $connectivity = @{ TimeoutSeconds = $TimeoutSeconds }
    foreach ($name in 'Endpoint', 'Proxy', 'CaFile', 'DnsServer', 'Namespace') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $connectivity[$name] = $PSBoundParameters[$name]
        }
    }
    foreach ($name in 'NoDefaultEndpoint', 'IdleTimeout') {
        if ($PSBoundParameters.ContainsKey($name) -and $PSBoundParameters[$name]) {
            $connectivity[$name] = $true
        }
    }

    $computerName = $env:COMPUTERNAME
    if (-not $computerName) {
        $computerName = [System.Net.Dns]::GetHostName()
    }
    $version = [string]$MyInvocation.MyCommand.Module.Version
    $staging = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-bundle-{0}' -f [guid]::NewGuid().ToString('N')))
    # Filled in by the server-config collector, emptied in finally.
    $state = @{ ExportedFolder = $null }
    $partial = $null
    $items = New-Object -TypeName 'System.Collections.Generic.List[object]'

    # Runs one collector; an exception makes the item Unavailable with its message.
    $collect = {
        param ([string] $Name, [string] $ItemPath, [int] $Percent, [scriptblock] $Body)
        Write-Progress -Activity $activity -Status ('Collecting {0}' -f $Name) -PercentComplete $Percent
        $reason = $null
        try {
            $reason = & {
                $ProgressPreference = 'SilentlyContinue'
                & $Body
            }
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            $reason = 'collecting it failed: {0}' -f $_.Exception.Message
            Write-Verbose -Message ('Support bundle: {0} {1}' -f $Name, $reason)
        }
        $status = 'Collected'
        if ($reason) {
            $status = 'Unavailable'
            $reason = [string]$reason
        } else {
            $reason = $null
        }
        $items.Add([PSCustomObject][ordered]@{ Name = $Name; Path = $ItemPath; Status = $status; Reason = $reason })
    }

    try {
        $null = [System.IO.Directory]::CreateDirectory($staging)

        & $collect 'environment' 'environment.json' 0 {
            $environment = Get-WritebackEnvironment
            # Get-WritebackEnvironment redacts already; once more costs little.
            $clean = Remove-WbdSecret -InputObject $environment
            [System.IO.File]::WriteAllText([System.IO.Path]::Combine($staging, 'environment.json'), (ConvertTo-Json -InputObject $clean -Depth 20), $utf8)
            $null
        }

        & $collect 'events' 'events.json' 40 {
            if (-not (Test-WbdWindowsPlatform)) {
                return 'this computer is not running Windows, so it has no Application log to read'
            }
            if (-not (Test-WbdCommandAvailable -Name 'Get-WinEvent')) {
                return 'Get-WinEvent is not available, so the Application log cannot be read'
            }
            $eventsFile = [System.IO.Path]::Combine($staging, 'events.json')
            $null = Export-WbdWritebackEvent -Path $eventsFile -Since $Since -MaxEvents $MaxEvents
            $read = ConvertFrom-WbdJson -Json ([System.IO.File]::ReadAllText($eventsFile))
            $clean = Remove-WbdSecret -InputObject $read
            [System.IO.File]::WriteAllText($eventsFile, (ConvertTo-Json -InputObject $clean -Depth 5), $utf8)
            $null
        }

        & $collect 'server-config' 'server-config/' 60 {
            $export = Export-WbdServerConfiguration
            if (-not $export.Path) {
                return [string]$export.Error
            }
            $state['ExportedFolder'] = $export.Path
            $target = [System.IO.Path]::Combine($staging, 'server-config')
            $null = [System.IO.Directory]::CreateDirectory($target)
            foreach ($source in @(Get-ChildItem -LiteralPath $export.Path -Recurse -File -Force)) {
                $relative = $source.FullName.Substring($export.Path.TrimEnd('\', '/').Length + 1)
                $destination = [System.IO.Path]::Combine($target, $relative)
                $null = [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($destination))
                [System.IO.File]::Copy($source.FullName, $destination, $true)
            }
            $null = Protect-WbdServerConfigExport -Path $target
            $null
        }

        & $collect 'connectivity' 'connectivity.json' 70 {
            # Test-WritebackConnectivity has no report output, so its results are put back into
            # the engine's Report shape; the report goes through the redaction like the snapshot.
            $startedAt = [System.DateTime]::UtcNow
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $results = @(Test-WritebackConnectivity @connectivity -ErrorAction Stop)
            $clock.Stop()
            $report = New-WbdReport -Result $results -Command 'connectivity' -StartedAt $startedAt -DurationMs $clock.ElapsedMilliseconds
            $clean = Remove-WbdSecret -InputObject $report
            [System.IO.File]::WriteAllText([System.IO.Path]::Combine($staging, 'connectivity.json'), (ConvertTo-Json -InputObject $clean -Depth 20), $utf8)
            $null
        }

        $manifest = [ordered]@{
            Tool         = 'WritebackDiagnostics'
            Version      = $version
            CreatedAt    = [System.DateTime]::UtcNow.ToString('o', $invariant)
            ComputerName = $computerName
            Items        = $items.ToArray()
        }
        [System.IO.File]::WriteAllText([System.IO.Path]::Combine($staging, 'manifest.json'), (ConvertTo-Json -InputObject $manifest -Depth 5), $utf8)

        Write-Progress -Activity $activity -Status 'Writing the zip file' -PercentComplete 95
        # Written beside the target and moved into place, so a failure never leaves half a zip
        # under the final name.
        $partial = '{0}.{1}.partial' -f $file, [guid]::NewGuid().ToString('N')
        Add-Type -AssemblyName 'System.IO.Compression', 'System.IO.Compression.FileSystem'
        $zip = [System.IO.Compression.ZipFile]::Open($partial, [System.IO.Compression.ZipArchiveMode]::Create)
        try {
            $entries = @('manifest.json') + @($items | Where-Object -FilterScript { $_.Status -eq 'Collected' } | ForEach-Object -Process { $_.Path })
            foreach ($entry in $entries) {
                $source = [System.IO.Path]::Combine($staging, $entry.TrimEnd('/'))
                if ([System.IO.Directory]::Exists($source)) {
                    $null = $zip.CreateEntry($entry)
                    foreach ($inner in @(Get-ChildItem -LiteralPath $source -Recurse -File -Force | Sort-Object -Property FullName)) {
                        $name = $entry + $inner.FullName.Substring($source.Length + 1).Replace('\', '/')
                        $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $inner.FullName, $name, [System.IO.Compression.CompressionLevel]::Optimal)
                    }
                } elseif ([System.IO.File]::Exists($source)) {
                    $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $source, $entry, [System.IO.Compression.CompressionLevel]::Optimal)
                }
            }
        } finally {
            $zip.Dispose()
        }
        if ([System.IO.File]::Exists($file)) {
            [System.IO.File]::Delete($file)
        }
        [System.IO.File]::Move($partial, $file)
        $partial = $null
    } finally {
        Remove-WbdTemporaryFile -Path $partial
        Remove-WbdTemporaryFolder -Path $state['ExportedFolder']
        Remove-WbdTemporaryFolder -Path $staging
        Write-Progress -Activity $activity -Completed
    }
    Get-Item -LiteralPath $file
}
