//! The environment snapshot `Get-WritebackEnvironment` collects, decoded leniently from
//! what Windows PowerShell 5.1 and PowerShell 7 `ConvertTo-Json` write.
