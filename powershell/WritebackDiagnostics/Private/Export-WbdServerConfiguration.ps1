function Export-WbdServerConfiguration {
    <#
    .SYNOPSIS
    Exports the sync configuration of this Entra Connect server with Get-ADSyncServerConfiguration into a new temporary folder.

    .DESCRIPTION
    The collector only exports; the engine reads and judges the folder (the PRE-CONFIG-* checks).
    Returns an object with Path (the new folder, which the caller deletes in finally with
    Remove-WbdTemporaryFolder) and Error (why there is no export; the checks are then Skipped
    with it). Never throws: outside Windows, without the ADSync module, or when the export
    fails, Path is $null and Error says why, and a failed export also writes a warning.
    PipelineStoppedException (Ctrl+C) passes through, after the folder is deleted.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param ()

    $result = [PSCustomObject]@{ Path = $null; Error = $null }
    if (-not (Test-WbdWindowsPlatform)) {
        $result.Error = 'this computer is not running Windows, so it is not the Entra Connect server'
        Write-Verbose -Message ('Not exporting the Connect configuration: {0}' -f $result.Error)
        return $result
    }
    $modulePath = [System.IO.Path]::Combine($env:ProgramFiles, 'Microsoft Azure AD Sync', 'Bin', 'ADSync', 'ADSync.psd1')
    $adSyncModule = Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncServerConfiguration' -FallbackPath $modulePath -WindowsPowerShellOnCore
    if ($adSyncModule -eq 'NotAvailable' -or -not (Test-WbdCommandAvailable -Name 'Get-ADSyncServerConfiguration')) {
        $result.Error = 'Get-ADSyncServerConfiguration (ADSync module) is not available on this computer, so it is not the Entra Connect server or Connect is not completely installed'
        Write-Verbose -Message ('Not exporting the Connect configuration: {0}' -f $result.Error)
        return $result
    }

    $folder = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-serverconfig-{0}' -f [guid]::NewGuid().ToString('N')))
    $exported = $false
    try {
        $null = [System.IO.Directory]::CreateDirectory($folder)
        Write-Verbose -Message ('Exporting the Connect configuration: Get-ADSyncServerConfiguration -Path {0}' -f $folder)
        $null = Get-ADSyncServerConfiguration -Path $folder -ErrorAction Stop
        $exported = $true
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $result.Error = 'Get-ADSyncServerConfiguration failed: {0}' -f $_.Exception.Message
        Write-Warning -Message ('The Connect configuration could not be exported, so the PRE-CONFIG-* checks are skipped (Outcome ExportFailed): {0}' -f $result.Error)
    } finally {
        if (-not $exported) {
            Remove-WbdTemporaryFolder -Path $folder
        }
    }
    if ($exported) {
        $result.Path = $folder
    }
    $result
}
