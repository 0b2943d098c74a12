#!/usr/bin/env python3
"""A stand-in for a Windows DNS server in the round-trip test.

Reads the PowerShell that `hybridns export --to windows` writes, applies each
DnsServer cmdlet to an empty server state as Windows would, and prints that
state as the JSON `hybridns import windows` reads: the shapes of
Get-DnsServerZone, Get-DnsServerForwarder and Get-DnsServerResourceRecord
after ConvertTo-Json, gathered in one object {Zones, Forwarder, Records}
(the collection docs/import-onprem.md gives).  What Windows does on its own
is done here too: a file-backed primary zone gets its own SOA and NS
records, naming the server (dc1.example.test), whatever the script said.

usage: ps_state.py SCRIPT.ps1 > state.json
"""
import json
import re
import sys

SERVER = "dc1.example.test."


def ip_obj(ip):
    # An IPAddress object as ConvertTo-Json renders it (the fields that matter).
    return {"AddressFamily": 23 if ":" in ip else 2, "IPAddressToString": ip}


def timespan(seconds):
    return {"Ticks": seconds * 10_000_000, "TotalSeconds": float(seconds),
            "Days": seconds // 86400, "Hours": seconds // 3600 % 24,
            "Minutes": seconds // 60 % 60, "Seconds": seconds % 60}


def params(tokens):
    """-Name value pairs of a cmdlet line; a switch alone maps to True."""
    out, key = {}, None
    for t in tokens:
        if t.startswith("-") and not re.match(r"^-\d", t):
            key = t[1:]
            out[key] = True
        elif key is not None:
            out[key] = t if out[key] is True else out[key] + " " + t
    return out


def tokens(line):
    """Split at blanks outside quoted strings ('' in '...', `x and "" in "...")."""
    out, cur, q, i = [], "", None, 0
    while i < len(line):
        c = line[i]
        if q == "'" and c == "'" and line[i + 1:i + 2] == "'":
            cur += "''"
            i += 2
            continue
        if q == '"' and (c == "`" or (c == '"' and line[i + 1:i + 2] == '"')):
            cur += line[i:i + 2]
            i += 2
            continue
        if c in "'\"" and q in (None, c):
            q = None if q else c
        if c in " \t" and not q:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        out.append(cur)
    return out


PS_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", "`": "`", '"': '"', "$": "$", "'": "'"}


def unquote_dq(v):
    """A double-quoted PowerShell string's value: `r`n and the other backtick escapes, "" a quote."""
    body, out, i = v[1:-1], "", 0
    while i < len(body):
        c = body[i]
        if c == "`" and i + 1 < len(body):
            out += PS_ESCAPES.get(body[i + 1], body[i + 1])
            i += 2
            continue
        if c == '"' and body[i + 1:i + 2] == '"':
            out += '"'
            i += 2
            continue
        out += c
        i += 1
    return out


def unquote_list(v):
    """a,b or 'a','b' (PowerShell array syntax) into its strings."""
    out, cur, q, i = [], "", False, 0
    while i < len(v):
        c = v[i]
        if q and c == "'" and v[i + 1:i + 2] == "'":
            cur += "'"
            i += 2
            continue
        if c == "'":
            q = not q
        elif c == "," and not q:
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return out


def main():
    zones, records = [], {}
    forwarder = {"IPAddress": None, "UseRootHint": True, "Timeout": 3,
                 "EnableReordering": True}
    for line in open(sys.argv[1], encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("$"):
            continue
        line = re.sub(r"\(\[TimeSpan\]::FromSeconds\((\d+)\)\)", r"\1", line)
        toks = tokens(line)
        cmd, p = toks[0], params(toks[1:])
        if cmd == "Add-DnsServerConditionalForwarderZone":
            zones.append({"ZoneName": p["Name"].strip("'"), "ZoneType": "Forwarder",
                          "IsAutoCreated": False, "IsDsIntegrated": False,
                          "IsReverseLookupZone": False,
                          "MasterServers": [ip_obj(a) for a in unquote_list(p["MasterServers"])],
                          "ForwarderTimeout": int(p.get("ForwarderTimeout", 5)),
                          "UseRecursion": False})
        elif cmd == "Add-DnsServerPrimaryZone":
            name = p["Name"].strip("'")
            zones.append({"ZoneName": name, "ZoneType": "Primary", "IsAutoCreated": False,
                          "IsDsIntegrated": False,
                          "IsReverseLookupZone": name.endswith(".arpa"),
                          "ZoneFile": p["ZoneFile"].strip("'")})
            records[name] = [
                rec(name, "@", 3600, "SOA", {
                    "PrimaryServer": SERVER, "ResponsiblePerson": "hostmaster." + SERVER,
                    "SerialNumber": 1, "RefreshInterval": timespan(900),
                    "RetryDelay": timespan(600), "ExpireLimit": timespan(86400),
                    "MinimumTimeToLive": timespan(3600)}),
                rec(name, "@", 3600, "NS", {"NameServer": SERVER}),
            ]
        elif cmd.startswith("Add-DnsServerResourceRecord"):
            zone, name = p["ZoneName"].strip("'"), p["Name"].strip("'")
            ttl = int(p.get("TimeToLive", 3600))
            kind = cmd[len("Add-DnsServerResourceRecord"):] or next(
                k for k in ("NS", "Srv", "Txt") if k in p)
            data = {
                "A": lambda: ("A", {"IPv4Address": ip_obj(p["IPv4Address"])}),
                "AAAA": lambda: ("AAAA", {"IPv6Address": ip_obj(p["IPv6Address"])}),
                "CName": lambda: ("CNAME", {"HostNameAlias": p["HostNameAlias"].strip("'")}),
                "Ptr": lambda: ("PTR", {"PtrDomainName": p["PtrDomainName"].strip("'")}),
                "MX": lambda: ("MX", {"Preference": int(p["Preference"]),
                                      "MailExchange": p["MailExchange"].strip("'")}),
                "NS": lambda: ("NS", {"NameServer": p["NameServer"].strip("'")}),
                "Srv": lambda: ("SRV", {"Priority": int(p["Priority"]), "Weight": int(p["Weight"]),
                                        "Port": int(p["Port"]),
                                        "DomainName": p["DomainName"].strip("'")}),
                "Txt": lambda: ("TXT", {"DescriptiveText":
                                        unquote_dq(p["DescriptiveText"])
                                        if p["DescriptiveText"].startswith('"')
                                        else "\n".join(unquote_list(p["DescriptiveText"]))}),
            }[kind]()
            records[zone].append(rec(zone, name, ttl, *data))
        elif cmd == "Set-DnsServerForwarder":
            forwarder["IPAddress"] = [ip_obj(a) for a in unquote_list(p["IPAddress"])]
            forwarder["UseRootHint"] = p.get("UseRootHint", "$true") != "$false"
        else:
            sys.exit("ps_state.py: unknown cmdlet %s" % cmd)
    json.dump({"Zones": zones, "Forwarder": forwarder, "Records": records}, sys.stdout,
              indent=2)


def rec(zone, host, ttl, rtype, data):
    dn_host = host if host != "@" else "@"
    return {"DistinguishedName": "DC=%s,DC=%s,cn=MicrosoftDNS,DC=DomainDnsZones,DC=example,DC=test"
                                 % (dn_host, zone),
            "HostName": host, "RecordClass": "IN", "RecordType": rtype,
            "Timestamp": None, "TimeToLive": timespan(ttl), "RecordData": data}


if __name__ == "__main__":
    main()
