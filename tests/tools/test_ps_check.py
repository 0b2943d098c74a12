#!/usr/bin/env python3
"""The PowerShell checker must fail: every broken script below is rejected
with the expected LINE:COL and message, every good one accepted."""
import os
import sys

from checkerlib import fuzz, run_cases

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "ps_check.py")

GOOD = {
    "export-like": """# comment
<# a block
   comment #>
$ErrorActionPreference = 'Stop'
Add-DnsServerConditionalForwarderZone -Name 'aws.example.com' -MasterServers 10.0.1.10,10.0.2.10 -ForwarderTimeout 2
Add-DnsServerPrimaryZone -Name 'corp.example.com' -ZoneFile 'corp.example.com.dns'
Add-DnsServerResourceRecordA -ZoneName 'corp.example.com' -Name 'app' -TimeToLive ([TimeSpan]::FromSeconds(300)) -IPv4Address 192.168.20.15
Add-DnsServerResourceRecordAAAA -ZoneName 'corp.example.com' -Name 'app' -IPv6Address fd00::15
Add-DnsServerResourceRecordCName -ZoneName 'corp.example.com' -Name 'www' -HostNameAlias 'app.corp.example.com.'
Add-DnsServerResourceRecordMX -ZoneName 'corp.example.com' -Name '@' -Preference 10 -MailExchange 'mail.corp.example.com.'
Add-DnsServerResourceRecordPtr -ZoneName '20.168.192.in-addr.arpa' -Name '15' -PtrDomainName 'app.corp.example.com.'
Add-DnsServerResourceRecord -NS -ZoneName 'corp.example.com' -Name '@' -NameServer 'ns1.corp.example.com.'
Add-DnsServerResourceRecord -Srv -ZoneName 'corp.example.com' -Name '_ldap._tcp' -Priority 0 -Weight 100 -Port 389 -DomainName 'dc1.corp.example.com.'
Add-DnsServerResourceRecord -Txt -ZoneName 'corp.example.com' -Name '@' -DescriptiveText "v=spf1 -all`r`nsecond string"
Set-DnsServerForwarder -IPAddress 192.168.1.1,192.168.1.2 -UseRootHint $false
""",
    "quoting, continuation, splitting": """Add-DnsServerPrimaryZone `
    -Name 'it''s.example' `
    -ZoneFile "it's.example.dns"; Add-DnsServerResourceRecordA corp.example.com app 192.0.2.1
Add-DnsServerResourceRecord -ZoneName:'corp.example.com' -Name "a `"quoted`" `$name" -Txt -DescriptiveText @'
here-string text with 'quotes' and $no_expansion
'@
Set-DnsServerForwarder -IPAddress @('192.0.2.1', '192.0.2.2') -Timeout 3 -Verbose -ErrorAction Stop
Add-DnsServerResourceRecordA -ZoneName 'z.example' -Name 'h' -IPv4Address 192.0.2.3,
    192.0.2.4 -TimeToLive 01:00:00
""",
    "variables and expressions": """$zone = 'corp.example.com'
$ttl = [TimeSpan]::FromSeconds(60 * 5)
$opts = @{ ZoneName = $zone; Name = 'x' }
Add-DnsServerResourceRecordA -ZoneName $zone -Name "web-$($zone.Length)" -IPv4Address 192.0.2.7 -TimeToLive $ttl
""",
}

# name: (text, "LINE:COL", part of the message)
BAD = {
    "unknown cmdlet": ("Add-DnsServerRecord -Name 'x'\n", "1:1", "not one of the DnsServer cmdlets"),
    "parameter of another cmdlet": ("Add-DnsServerResourceRecordA -ZoneName 'z' -Name 'a' -IPv4Address 192.0.2.1 "
                                    "-MasterServers 192.0.2.2\n", "1:77", "has no parameter -MasterServers"),
    "parameters of two sets": ("Add-DnsServerResourceRecord -Srv -ZoneName 'z' -Name 'a' -NameServer 'ns.'\n",
                               "1:1", "no parameter set holds all"),
    "mandatory missing": ("Add-DnsServerPrimaryZone -Name 'corp.example.com'\n", "1:1",
                          "mandatory parameter(s) -ZoneFile missing"),
    "unterminated single quote": ("Add-DnsServerPrimaryZone -Name 'corp.example.com -ZoneFile 'x.dns'\n",
                                  "1:66", "unterminated single-quoted string"),
    "unterminated double quote": ('Add-DnsServerPrimaryZone -Name "corp.example.com -ZoneFile x.dns\n', "1:32",
                                  "unterminated double-quoted string"),
    "backtick followed by a space": ("Add-DnsServerPrimaryZone -Name 'a.example' ` \n    -ZoneFile 'a.dns'\n",
                                     "2:5", "cannot start with the parameter -ZoneFile"),
    "list to a String parameter": ("Add-DnsServerResourceRecord -Txt -ZoneName 'z' -Name '@' "
                                   "-DescriptiveText 'one','two'\n", "1:81", "takes one String, not a list"),
    "not an IP address": ("Add-DnsServerConditionalForwarderZone -Name 'a.example' -MasterServers 10.0.1.300\n",
                          "1:72", "'10.0.1.300' is not an IP address"),
    "timeout out of range": ("Add-DnsServerConditionalForwarderZone -Name 'a.example' -MasterServers 10.0.1.1 "
                             "-ForwarderTimeout 16\n", "1:99", "16 is out of range 0..15"),
    "boolean as a word": ("Set-DnsServerForwarder -IPAddress 192.0.2.1 -UseRootHint false\n", "1:58",
                          "takes $true or $false"),
    "TimeSpan without parentheses": ("Add-DnsServerResourceRecordA -ZoneName 'z' -Name 'a' -IPv4Address 192.0.2.1 "
                                     "-TimeToLive [TimeSpan]::FromSeconds(300)\n", "1:89", "a TimeSpan"),
    "unbalanced parenthesis": ("Add-DnsServerResourceRecordA -ZoneName 'z' -Name 'a' -IPv4Address 192.0.2.1 "
                               "-TimeToLive ([TimeSpan]::FromSeconds(300)\n", "2:1", "')' expected (the '(' at 1:89)"),
    "parameter without value": ("Add-DnsServerPrimaryZone -Name 'a.example' -ZoneFile\n", "1:44", "has no value"),
    "bad escape in here-string opening": ("$x = @'text\n'@\n", "1:6", "nothing may follow"),
    "unterminated block comment": ("<# never closed\nSet-DnsServerForwarder\n", "1:1", "unterminated block comment"),
    "bad ErrorActionPreference": ("$ErrorActionPreference = 'Halt'\n", "1:26", "is not one of"),
    "switch with a value": ("Add-DnsServerResourceRecord -Txt 'yes' -ZoneName 'z' -Name 'a' -DescriptiveText 'x'\n",
                            "1:34", "a positional argument 'yes' that no parameter takes"),
    "IPv6 to -IPv4Address": ("Add-DnsServerResourceRecordA -ZoneName 'z' -Name 'a' -IPv4Address fd00::1\n",
                             "1:67", "is not an IPv4 address"),
    "parameter twice": ("Add-DnsServerPrimaryZone -Name 'a' -ZoneFile 'a.dns' -Name 'b'\n", "1:54", "given twice"),
}


def main():
    failed = run_cases(CHECKER, "s.ps1", GOOD, BAD)
    failed += 1 if fuzz(CHECKER, "s.ps1", list(GOOD.values()) + [b[0] for b in BAD.values()]) else 0
    n = len(GOOD) + len(BAD) + 2
    print("not checked by ps_check.py: what a script does on a real Windows DNS server")
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
