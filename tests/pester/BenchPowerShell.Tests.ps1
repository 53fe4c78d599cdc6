#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# The smoke round of scripts/bench-powershell.ps1 (-Quick): it must run the CLI and the module
# against the loopback servers and print every line of its report, the ratio last. Times are
# not checked (speed targets live in the benchmarks, never in tests). Like
# Connectivity.Live.Tests.ps1 it needs examples/loopback_servers (cargo build --examples) and
# tinyproxy, so it carries the 'Loopback' tag; it also needs the wbdiag CLI (cargo build --bins).

Describe 'scripts/bench-powershell.ps1 -Quick' -Tag 'Loopback' {
    BeforeAll {
        . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
        $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
        $script:Bench = [System.IO.Path]::Combine($repoRoot, 'scripts', 'bench-powershell.ps1')
        $script:HasDll = Test-Path -LiteralPath ([System.IO.Path]::Combine((Get-TestModulePath), 'Native', 'WbdNative.dll')) -PathType Leaf
        $script:Lines = @(& $script:Bench -ModulePath (Get-TestModulePath) -Quick | ForEach-Object -Process { [string]$_ })
    }

    It 'prints the <_> line' -ForEach @(
        'bench-powershell: ',
        'cli: wbdiag connectivity median ',
        'import (Add-Type compile): median ',
        'first call (Add-Type compile): median ',
        'later calls (Add-Type compile): median ',
        'engine job alone ',
        'Invoke-WbdRequest ',
        'polling overhead ',
        'module added cost per later call '
    ) {
        $prefix = $_
        @($script:Lines | Where-Object -FilterScript { $_.StartsWith($prefix) }).Count | Should -Be 1 -Because ($script:Lines -join "`n")
    }

    It 'measures the precompiled shim and the compile it saves' {
        $script:HasDll | Should -BeTrue -Because 'scripts/build-module.sh builds Native/WbdNative.dll when dotnet is on PATH'
        foreach ($prefix in 'import (precompiled shim): median ', 'first call (precompiled shim): median ', 'later calls (precompiled shim): median ', 'shim compile at first use: ') {
            @($script:Lines | Where-Object -FilterScript { $_.StartsWith($prefix) }).Count | Should -Be 1 -Because ($script:Lines -join "`n")
        }
        ($script:Lines | Where-Object -FilterScript { $_.StartsWith('first call (precompiled shim)') }) | Should -Match 'WbdNative\.dll'
    }

    It 'prints numbers, and the ratio last' {
        $script:Lines[-1] | Should -Match '^ratio \(module later call / CLI\): [0-9]+\.[0-9]{2}$'
        ($script:Lines | Where-Object -FilterScript { $_.StartsWith('cli: ') }) | Should -Match 'median [0-9]+\.[0-9] ms \(2 runs'
        ($script:Lines | Where-Object -FilterScript { $_.StartsWith('later calls (Add-Type compile)') }) | Should -Match 'median [0-9]+\.[0-9] ms \(2 calls\)'
    }
}
