function Protect-WbdServerConfigExport {
    <#
    .SYNOPSIS
    Removes secrets from a copy of a Get-ADSyncServerConfiguration export, in place.

    .DESCRIPTION
    Used on the support bundle's staging copy only. In every XML file, an element whose name
    attribute names a secret (the patterns of Remove-WbdSecret), whose type or dataType names a
    password or encrypted type, or that is marked encrypted loses its text; so does an element
    or attribute whose own name names a secret. Text anywhere that is a JSON Web Token is
    emptied and user:password@ is cut out of URLs, in the other files too. A file is rewritten
    only when something was removed, so an export without secrets stays byte for byte as
    Get-ADSyncServerConfiguration wrote it. Returns the number of files changed.

    .PARAMETER Path
    The folder of the copied export.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Changes only the bundle''s own staging copy.')]
    [CmdletBinding()]
    [OutputType([int])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    $options = [System.Text.RegularExpressions.RegexOptions]'IgnoreCase, CultureInvariant'
    # One regular expression for all the secret names: a large export has tens of thousands of
    # elements, and one .NET call per name keeps it to seconds.
    $secretName = New-Object -TypeName System.Text.RegularExpressions.Regex -ArgumentList (($script:WbdSecretPropertyPatterns | ForEach-Object -Process { '(?:{0})' -f $_ }) -join '|'), $options
    $typePattern = New-Object -TypeName System.Text.RegularExpressions.Regex -ArgumentList $script:WbdSecretTypePattern, $options
    $tokenPattern = New-Object -TypeName System.Text.RegularExpressions.Regex -ArgumentList 'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*', $options
    $urlPattern = New-Object -TypeName System.Text.RegularExpressions.Regex -ArgumentList $script:WbdUrlCredentialPattern, $options
    $encoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false

    $changedFiles = 0
    foreach ($file in @(Get-ChildItem -LiteralPath $Path -Recurse -File -Force)) {
        $original = [System.IO.File]::ReadAllText($file.FullName)
        if ($file.Extension -ne '.xml') {
            $clean = $urlPattern.Replace($tokenPattern.Replace($original, ''), '${scheme}')
            if ($clean -cne $original) {
                [System.IO.File]::WriteAllText($file.FullName, $clean, $encoding)
                $changedFiles++
            }
            continue
        }
        $document = New-Object -TypeName System.Xml.XmlDocument
        $document.XmlResolver = $null
        $document.PreserveWhitespace = $true
        try {
            $document.LoadXml($original)
        } catch {
            # Not XML after all: cleaned as text.
            $clean = $urlPattern.Replace($tokenPattern.Replace($original, ''), '${scheme}')
            if ($clean -cne $original) {
                [System.IO.File]::WriteAllText($file.FullName, $clean, $encoding)
                $changedFiles++
            }
            continue
        }
        $changed = $false
        # Tokens and URL credentials are looked for in each text only when the file has one.
        $hasText = $tokenPattern.IsMatch($original) -or $urlPattern.IsMatch($original)
        foreach ($element in @($document.SelectNodes('//*'))) {
            $secret = $secretName.IsMatch($element.LocalName)
            foreach ($attribute in @($element.Attributes)) {
                $attributeName = $attribute.LocalName
                if ($attributeName -in 'name', 'key') {
                    if ($secretName.IsMatch($attribute.Value)) {
                        $secret = $true
                    }
                } elseif ($attributeName -in 'type', 'dataType', 'inputType', 'parameterType') {
                    if ($typePattern.IsMatch($attribute.Value) -or $attribute.Value -match 'encrypted') {
                        $secret = $true
                    }
                } elseif ($attributeName -in 'encrypted', 'isEncrypted', 'isSecret') {
                    if ($attribute.Value -in '1', 'true', 'True') {
                        $secret = $true
                    }
                } elseif ($attribute.Value -and $secretName.IsMatch($attributeName)) {
                    $attribute.Value = ''
                    $changed = $true
                } elseif ($hasText) {
                    $clean = $urlPattern.Replace($tokenPattern.Replace($attribute.Value, ''), '${scheme}')
                    if ($clean -cne $attribute.Value) {
                        $attribute.Value = $clean
                        $changed = $true
                    }
                }
            }
            if ($secret -and $element.InnerText) {
                $element.InnerText = ''
                $changed = $true
            }
        }
        foreach ($text in @($(if ($hasText) { $document.SelectNodes('//text()') }))) {
            $clean = $urlPattern.Replace($tokenPattern.Replace($text.Value, ''), '${scheme}')
            if ($clean -cne $text.Value) {
                $text.Value = $clean
                $changed = $true
            }
        }
        if ($changed) {
            $settings = New-Object -TypeName System.Xml.XmlWriterSettings
            $settings.Encoding = $encoding
            $writer = [System.Xml.XmlWriter]::Create($file.FullName, $settings)
            try {
                $document.Save($writer)
            } finally {
                $writer.Dispose()
            }
            $changedFiles++
        }
    }
    $changedFiles
}
