#!/usr/bin/env python3
"""The Corefile checker must fail: every broken Corefile below is rejected
with the expected LINE:COL and message, every good one accepted."""
import os
import sys

from checkerlib import fuzz, run_cases, run_one

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "corefile_check.py")

GOOD = {
    "export-like": """# comment
example.com {
\tforward . 10.0.1.10:53 [fd00::1]:53 {
\t\tpolicy sequential
\t\thealth_check 5s no_rec
\t}
}
corp.example.com:5353 {
\tfile db.corp.example.com corp.example.com {
\t\treload 30s
\t}
}
. {
\tacl {
\t\tblock type ANY net 10.0.0.0/8
\t\tallow
\t}
\tforward . /etc/resolv.conf
\tcache 30 {
\t\tsuccess 9984 30
\t\tdenial 9984 5
\t}
\tlog
\terrors
}
""",
    "several keys, quotes, env, hosts": """a.example, b.example c.example dns://d.example:1053 {
\thosts {
\t\t10.0.0.1 "app.a.example" # trailing comment
\t\tttl 60
\t\tfallthrough
\t}
\tforward . {$UPSTREAM} 192.0.2.1
}
""",
    "braceless single block": """example.org
forward . 192.0.2.53
cache
""",
    "snippet": """(common) {
\terrors
\tlog
}
example.net {
\timport common
\tforward . 192.0.2.1:53
}
10.0.0.0/24 {
\tforward . 192.0.2.1
}
""",
}

# name: (text, "LINE:COL", part of the message)
BAD = {
    "unknown plugin": ("example.com {\n\tfowrard . 10.0.0.1\n}\n", "2:2", "unknown plugin 'fowrard'"),
    "unbalanced open": ("example.com {\n\tforward . 10.0.0.1\n", "1:13", "never closed"),
    "unbalanced close": ("example.com {\n\tforward . 10.0.0.1\n}\n}\n", "4:1", "unexpected '}'"),
    "forward without TO": ("example.com {\n\tforward .\n}\n", "2:2", "1 argument(s), expected 2 or more"),
    "bad policy": ("example.com {\n\tforward . 10.0.0.1 {\n\t\tpolicy fastest\n\t}\n}\n", "3:10",
                   "'fastest' is not random"),
    "option with too many arguments": ("example.com {\n\tforward . 10.0.0.1 {\n\t\tforce_tcp yes\n\t}\n}\n", "3:3",
                                       "force_tcp: 1 argument(s), expected 0"),
    "block where none is allowed": ("example.com {\n\twhoami {\n\t}\n}\n", "2:9", "takes no block"),
    "unknown forward option": ("example.com {\n\tforward . 10.0.0.1 {\n\t\tretries 3\n\t}\n}\n", "3:3",
                               "unknown option 'retries'"),
    "not an address": ("example.com {\n\tforward . 10.0.0.300:53\n}\n", "2:12", "not an IP address or file"),
    "bad port in key": ("example.com:99999 {\n\twhoami\n}\n", "1:1", "is not a port"),
    "same zone twice": ("example.com {\n\twhoami\n}\nEXAMPLE.com. {\n\twhoami\n}\n", "4:1", "already defined"),
    "unterminated quote": ('example.com {\n\tfile "db.example\n}\n', "2:7", "unterminated quoted string"),
    "empty label": ("example..com {\n\twhoami\n}\n", "1:1", "empty label"),
    "block opening mid-line": ("example.com {\n\tforward . 10.0.0.1 { policy random }\n}\n", "2:23",
                               "'{' must end the line"),
    "two forwards": ("example.com {\n\tforward . 10.0.0.1\n\tforward . 10.0.0.2\n}\n", "3:2", "only one per server block"),
    "acl without rules": ("example.com {\n\tacl\n}\n", "2:2", "plugin/acl: a block"),
    "braceless second block": ("a.example {\n\twhoami\n}\nb.example\nwhoami\n", "4:1", "has no '{'"),
    "argument on the next line": ("example.com {\n\tforward .\n\t\t10.0.0.1\n}\n", "2:2", "expected 2 or more"),
    "backslash continuation": ("example.com {\n\tforward . 10.0.0.1 \\\n\t\t10.0.0.2\n}\n", "2:21",
                               "'\\' is not an IP address or file"),
    "too many upstreams": ("example.com {\n\tforward . " + " ".join("10.0.0.%d" % i for i in range(1, 17))
                           + "\n}\n", "2:153", "more than 15"),
}


def main():
    os.environ["UPSTREAM"] = "192.0.2.9"
    failed = run_cases(CHECKER, "Corefile", GOOD, BAD)
    failed += 1 if fuzz(CHECKER, "Corefile", list(GOOD.values()) + [b[0] for b in BAD.values()]) else 0
    # --check-files: a missing zone file
    rc, out = run_one(CHECKER, "Corefile", "example.com {\n\tfile /nonexistent/db.example.com\n}\n",
                      ["--check-files"])
    if rc != 1 or "no such file" not in out:
        print("FAIL: --check-files accepted a missing zone file: %s" % out.strip())
        failed += 1
    else:
        print("ok: rejected: a missing zone file with --check-files")
    n = len(GOOD) + len(BAD) + 3
    print("not checked by corefile_check.py: what CoreDNS does with the file at run time")
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
