# PSScriptAnalyzer settings for powershell/, scripts/*.ps1 and tests/pester/.
#   Invoke-ScriptAnalyzer -Path powershell -Recurse -Settings ./PSScriptAnalyzerSettings.psd1
# The formatting rules spell out the OTBS preset (opening brace on the same line,
# "} else {", 4-space indentation) so the settings do not depend on a preset file.
@{
    Severity            = @('Error', 'Warning', 'Information')
    IncludeDefaultRules = $true

    # Every exclusion is listed here with its reason. There are none yet.
    ExcludeRules        = @()

    Rules               = @{
        PSUseCompatibleSyntax                     = @{
            Enable         = $true
            TargetVersions = @('5.1', '7.0')
        }

        PSPlaceOpenBrace                          = @{
            Enable             = $true
            OnSameLine         = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
        }

        PSPlaceCloseBrace                         = @{
            Enable             = $true
            NewLineAfter       = $false
            IgnoreOneLineBlock = $true
            NoEmptyLineBefore  = $false
        }

        PSUseConsistentIndentation                = @{
            Enable              = $true
            Kind                = 'space'
            IndentationSize     = 4
            PipelineIndentation = 'IncreaseIndentationForFirstPipeline'
        }

        PSUseConsistentWhitespace                 = @{
            Enable                          = $true
            CheckInnerBrace                 = $true
            CheckOpenBrace                  = $true
            CheckOpenParen                  = $true
            CheckOperator                   = $true
            CheckPipe                       = $true
            CheckPipeForRedundantWhitespace = $false
            CheckSeparator                  = $true
            CheckParameter                  = $false
        }

        PSAlignAssignmentStatement                = @{
            Enable         = $true
            CheckHashtable = $true
        }

        PSUseCorrectCasing                        = @{
            Enable = $true
        }

        PSAvoidUsingCmdletAliases                 = @{
            Enable = $true
        }

        PSProvideCommentHelp                      = @{
            Enable                  = $true
            ExportedOnly            = $true
            BlockComment            = $true
            VSCodeSnippetCorrection = $false
            Placement               = 'begin'
        }

        PSAvoidUsingPositionalParameters          = @{
            Enable = $true
        }

        PSUseSingularNouns                        = @{
            Enable = $true
        }
    }
}
