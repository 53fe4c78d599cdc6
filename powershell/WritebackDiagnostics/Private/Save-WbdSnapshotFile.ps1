function Save-WbdSnapshotFile {
    <#
    .SYNOPSIS
    Writes a snapshot to a new temporary file for the engine and returns the file's path.

    .DESCRIPTION
    The engine reads a snapshot from a file (SnapshotPath) instead of inline in the request,
    which is capped at 16 MiB: a directory with tens of thousands of OUs exceeds that. The file
    is UTF-8 without a byte order mark, written as 'ConvertTo-Json -Depth 20' writes a saved
    snapshot (the collector's objects are no deeper). The caller deletes it in finally; when
    writing fails, the file is deleted here and the error passes on.

    .PARAMETER InputObject
    The snapshot: Get-WritebackEnvironment output, or a saved snapshot read back with
    ConvertFrom-Json.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [object] $InputObject
    )

    $file = [System.IO.Path]::GetTempFileName()
    try {
        $json = ConvertTo-Json -InputObject $InputObject -Depth 20
        [System.IO.File]::WriteAllText($file, $json, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
    } catch {
        [System.IO.File]::Delete($file)
        throw
    }
    $file
}
