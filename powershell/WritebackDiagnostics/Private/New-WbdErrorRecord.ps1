# The one table from engine error codes (src/error.rs) to PowerShell error categories. Codes
# not listed here map to NotSpecified.
$script:WbdErrorCategoryByCode = @{
    InvalidInput    = [System.Management.Automation.ErrorCategory]::InvalidArgument
    InvalidJson     = [System.Management.Automation.ErrorCategory]::InvalidArgument
    UnknownCommand  = [System.Management.Automation.ErrorCategory]::InvalidArgument
    RequestTooLarge = [System.Management.Automation.ErrorCategory]::InvalidArgument
    Cancelled       = [System.Management.Automation.ErrorCategory]::OperationStopped
    Timeout         = [System.Management.Automation.ErrorCategory]::OperationTimeout
}

function New-WbdErrorRecord {
    <#
    .SYNOPSIS
    Builds the ErrorRecord for a failure to run (never for a failed check, which is data).

    .DESCRIPTION
    With -Code, the category comes from the engine-code table above and the ErrorId defaults
    to WbdInvalidInput for bad input and WbdEngineError otherwise. The original exception, if
    any, is kept as the inner exception.

    .PARAMETER Message
    One actionable sentence or two for the admin.

    .PARAMETER Code
    The engine's error code (Error.Code of the envelope), if the failure came from the engine.

    .PARAMETER ErrorId
    Stable ErrorId; defaults from the category as described above.

    .PARAMETER Category
    Explicit category; wins over the one derived from -Code.

    .PARAMETER TargetObject
    What was being processed.

    .PARAMETER InnerException
    The exception that caused the failure.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Only builds an object in memory.')]
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Message,

        [string] $Code,

        [string] $ErrorId,

        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::NotSpecified,

        [object] $TargetObject,

        [System.Exception] $InnerException
    )

    if (-not $PSBoundParameters.ContainsKey('Category') -and $Code -and $script:WbdErrorCategoryByCode.ContainsKey($Code)) {
        $Category = $script:WbdErrorCategoryByCode[$Code]
    }
    if (-not $ErrorId) {
        if ($Category -eq [System.Management.Automation.ErrorCategory]::InvalidArgument) {
            $ErrorId = 'WbdInvalidInput'
        } else {
            $ErrorId = 'WbdEngineError'
        }
    }

    switch ($Category) {
        'InvalidArgument' {
            $exceptionType = [System.ArgumentException]
        }
        'OperationStopped' {
            $exceptionType = [System.OperationCanceledException]
        }
        'OperationTimeout' {
            $exceptionType = [System.TimeoutException]
        }
        'ObjectNotFound' {
            $exceptionType = [System.IO.FileNotFoundException]
        }
        default {
            $exceptionType = [System.InvalidOperationException]
        }
    }
    if ($null -eq $InnerException) {
        $exception = $exceptionType::new($Message)
    } else {
        $exception = $exceptionType::new($Message, $InnerException)
    }

    [System.Management.Automation.ErrorRecord]::new($exception, $ErrorId, $Category, $TargetObject)
}
