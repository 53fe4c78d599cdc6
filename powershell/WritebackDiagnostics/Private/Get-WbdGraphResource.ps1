function Get-WbdGraphResource {
    <#
    .SYNOPSIS
    Reads one Microsoft Graph resource with Invoke-MgGraphRequest in the existing Graph context.

    .DESCRIPTION
    Only called once Get-MgContext has returned a context, so Invoke-MgGraphRequest never starts
    a sign-in (it would prompt without one). The answer is passed through as Graph returns it.
    With -Collection the items of the response's value are written one by one, following
    @odata.nextLink for further pages (at most 100 pages); without it the response is written as
    is. Errors (403 Forbidden for a missing permission, 404) are thrown to the caller, which
    records them in the section's Errors.

    .PARAMETER Uri
    The Graph URI relative to the context's cloud, for example 'v1.0/subscribedSkus'.

    .PARAMETER Collection
    The resource is a collection: write the items of value, from every page.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Uri,

        [Parameter()]
        [switch] $Collection
    )

    Write-Verbose -Message ('Microsoft Graph: GET {0}' -f $Uri)
    $response = Invoke-MgGraphRequest -Method GET -Uri $Uri -ErrorAction Stop
    if (-not $Collection) {
        return $response
    }

    $pages = 1
    while ($null -ne $response) {
        $items = $response.value
        if ($null -ne $items) {
            foreach ($item in $items) {
                $item
            }
        }
        $next = $response.'@odata.nextLink'
        if (-not $next -or $pages -ge 100) {
            break
        }
        $pages++
        Write-Verbose -Message ('Microsoft Graph: GET {0}' -f $next)
        $response = Invoke-MgGraphRequest -Method GET -Uri $next -ErrorAction Stop
    }
}
