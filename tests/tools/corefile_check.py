#!/usr/bin/env python3
"""corefile_check.py -- a grammar checker for CoreDNS Corefiles.

Debian 12 has no CoreDNS package, so the test suite cannot run
`coredns -conf FILE`; this checker stands in for the part of CoreDNS's
start-up that reads the Corefile.

usage: corefile_check.py [--check-files] COREFILE...
  exit 0: every file is valid; 1: an error (printed as FILE:LINE:COL: message);
  2: usage error or unreadable file.
  --check-files: a `file`/`hosts` database path must exist (relative paths
  are taken from the Corefile's folder, or from `root`).

What it checks (sources: the Caddyfile format CoreDNS uses,
https://coredns.io/manual/configuration/ and the lexer of
github.com/coredns/caddy/caddyfile; the plugin pages
https://coredns.io/plugins/<name>/):
  - lexing: tokens split on white space; "double-quoted" strings (a quote
    inside is written \\", every other backslash is kept), which may span
    lines; `#` outside quotes starts a comment to the end of the line;
    `{$VAR}` and `{%VAR%}` environment placeholders (replaced by CoreDNS at
    parse time: here any argument they stand for is accepted).
  - lines: a directive's arguments are on its own line (a quoted string
    that spans lines moves the line on); there is no backslash continuation.
  - server blocks: one or more keys `[scheme://]zone[:port]` (dns, tls,
    grpc, https, quic; zone a domain name, `.` or a reverse CIDR), separated
    by white space or commas, then `{ ... }`; a file with a single block may
    leave the braces out.  The same zone and port twice is an error, as it
    is for CoreDNS ("already defined").  Snippets `(name) { ... }` and
    `import name` of a snippet.
  - braces balanced; a `{` only where a block may open; `}` without `{`.
  - plugins: the name must be a known plugin (the table below); argument
    counts and forms; a block only for plugins that take one, and inside it
    only that plugin's options with their argument counts.  forward: FROM,
    1..15 TO (ip[:port], [ipv6]:port, dns://, tls://, or a file), options
    policy random|round_robin|sequential, force_tcp, prefer_udp, expire,
    max_fails, tls, tls_servername, health_check, max_concurrent, next,
    except, failfast_all_unhealthy_upstreams.  file, hosts, acl, cache,
    log, errors, health, ready, prometheus, reload, whoami, bind, loop,
    loadbalance, debug, root, any, minimal, template is not checked.
  - forward, cache, root, errors, health, ready, reload, whoami, loop and
    debug at most once per server block.

Not checked: the semantics CoreDNS gives the file at run time (whether an
upstream answers, the contents of zone files -- named-checkzone does that
in the tests), plugins not in the table (an error, never a pass), file
imports (`import PATTERN` of files: an error here).
"""
import ipaddress
import os
import re
import sys

from checkerlib import CheckError, run_files


class CorefileError(CheckError):
    def __init__(self, tok, msg):
        super().__init__(tok.line if tok else 0, tok.col if tok else 0, msg)


class Tok:
    __slots__ = ("text", "line", "col", "quoted", "breaks", "env")

    def __init__(self, text, line, col, quoted):
        self.text = text
        self.line = line
        self.col = col
        self.quoted = quoted
        self.breaks = text.count("\n") if quoted else 0
        self.env = bool(re.search(r"\{\$[A-Za-z_][A-Za-z0-9_]*\}|\{%[A-Za-z_][A-Za-z0-9_]*%\}", text))

    def __repr__(self):
        return "%r@%d:%d" % (self.text, self.line, self.col)


def lex(text):
    """The Caddyfile lexer: a list of Tok."""
    toks = []
    i, n = 0, len(text)
    line, col = 1, 1
    val = None  # characters of the current token
    start = None
    quoted = comment = False
    while i < n:
        ch = text[i]
        i += 1
        here = (line, col)
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
        if quoted:
            if ch == "\\" and i < n and text[i] == '"':
                val.append('"')
                i += 1
                col += 1
                continue
            if ch == '"':
                toks.append(Tok("".join(val), start[0], start[1], True))
                val, quoted = None, False
                continue
            val.append(ch)
            continue
        if ch.isspace():
            if ch == "\n":
                comment = False
            if val is not None:
                toks.append(Tok("".join(val), start[0], start[1], False))
                val = None
            continue
        if ch == "#":
            comment = True
        if comment:
            continue
        if val is None:
            start = here
            if ch == '"':
                val, quoted = [], True
                continue
            val = []
        val.append(ch)
    if quoted:
        raise CorefileError(Tok("", start[0], start[1], False), "unterminated quoted string")
    if val is not None:
        toks.append(Tok("".join(val), start[0], start[1], False))
    return toks


class Dir:
    """A directive: name token, argument tokens, and its block (a list of Dir) or None."""

    def __init__(self, tok, args, block, brace):
        self.tok, self.args, self.block, self.brace = tok, args, block, brace

    @property
    def name(self):
        return self.tok.text


def newline_before(toks, k):
    """Whether toks[k] starts a new line (after toks[k-1])."""
    if k == 0:
        return True
    prev = toks[k - 1]
    return prev.line + prev.breaks < toks[k].line


def parse_lines(toks, k, end_at_brace):
    """Directive lines from toks[k]: a list of Dir, and the index after it.
    Stops at a `}` when end_at_brace (and returns its index)."""
    out = []
    while k < len(toks):
        t = toks[k]
        if not t.quoted and t.text == "}":
            if end_at_brace:
                return out, k
            raise CorefileError(t, "unexpected '}': no block is open")
        if not t.quoted and t.text == "{":
            raise CorefileError(t, "unexpected '{': a block opens only at the end of a directive line")
        args = []
        k += 1
        block = brace = None
        while k < len(toks) and not newline_before(toks, k):
            a = toks[k]
            if not a.quoted and a.text == "{":
                if k + 1 < len(toks) and not newline_before(toks, k + 1) and not (
                    not toks[k + 1].quoted and toks[k + 1].text == "}"
                ):
                    raise CorefileError(toks[k + 1], "'{' must end the line (the block's lines follow on their own)")
                brace = a
                block, k = parse_lines(toks, k + 1, True)
                if k >= len(toks):
                    raise CorefileError(a, "unbalanced braces: this '{' is never closed")
                k += 1  # the closing }
                if k < len(toks) and not newline_before(toks, k):
                    raise CorefileError(toks[k], "unexpected '%s' after '}' on the same line" % toks[k].text)
                break
            if not a.quoted and a.text == "}":
                if end_at_brace:
                    break
                raise CorefileError(a, "unexpected '}': no block is open")
            args.append(a)
            k += 1
        out.append(Dir(t, args, block, brace))
    if end_at_brace:
        return out, k
    return out, k


SCHEMES = ("dns://", "tls://", "grpc://", "https://", "quic://")
LABEL = re.compile(r"^[A-Za-z0-9_*\-]([A-Za-z0-9_\-]*)$")


def check_domain(tok, name, what):
    """A domain name as CoreDNS takes it: `.`, or labels of 1..63 characters, 255 in all."""
    if name == ".":
        return "."
    if len(name.rstrip(".")) > 253:
        raise CorefileError(tok, "%s '%s': longer than 255 octets" % (what, name))
    labels = name.rstrip(".").split(".")
    for lab in labels:
        if lab == "":
            raise CorefileError(tok, "%s '%s': empty label" % (what, name))
        if len(lab) > 63:
            raise CorefileError(tok, "%s '%s': label longer than 63 octets" % (what, name))
        if not LABEL.match(lab):
            raise CorefileError(tok, "%s '%s': label '%s' has a character a zone name cannot" % (what, name, lab))
    return name.lower().rstrip(".") + "."


def parse_key(tok):
    """A server block key: (scheme, zone, port)."""
    s = tok.text
    if tok.env:
        return ("env", s, 0)
    scheme = "dns://"
    for sc in SCHEMES:
        if s.lower().startswith(sc):
            scheme, s = sc, s[len(sc):]
            break
    else:
        if "://" in s:
            raise CorefileError(tok, "server block key '%s': unknown scheme (dns, tls, grpc, https, quic)" % tok.text)
    default_port = {"dns://": 53, "tls://": 853, "grpc://": 443, "https://": 443, "quic://": 853}[scheme]
    port = default_port
    m = re.match(r"^(.*):([^:]*)$", s)
    if m and "/" not in m.group(2):
        s, p = m.group(1), m.group(2)
        if not p.isdigit() or not 1 <= int(p) <= 65535:
            raise CorefileError(tok, "server block key '%s': '%s' is not a port (1-65535)" % (tok.text, p))
        port = int(p)
    if s == "":
        raise CorefileError(tok, "server block key '%s': no zone" % tok.text)
    if "/" in s:
        try:
            ipaddress.ip_network(s, strict=False)
        except ValueError:
            raise CorefileError(tok, "server block key '%s': '%s' is not a network" % (tok.text, s))
        return (scheme, s, port)
    return (scheme, check_domain(tok, s, "zone"), port)


# ---- argument forms

def is_duration(s):
    return re.fullmatch(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+", s) is not None


def is_uint(s):
    return re.fullmatch(r"\d+", s) is not None


def is_ip(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


def is_hostport(s):
    """ip, ip:port, [ipv6]:port, with an optional dns:// or tls:// in front."""
    for sc in ("dns://", "tls://"):
        if s.startswith(sc):
            s = s[len(sc):]
            break
    if is_ip(s):
        return True
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?", s) or re.fullmatch(r"([0-9.]+):(\d+)", s)
    if not m or not is_ip(m.group(1)):
        return False
    return m.group(2) is None or 1 <= int(m.group(2)) <= 65535


RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
          "NXRRSET", "NOTAUTH", "NOTZONE"}


class Ctx:
    def __init__(self, path, check_files):
        self.path, self.check_files = path, check_files
        self.root = os.path.dirname(os.path.abspath(path))


def need(d, tok, lo, hi, what):
    n = len(tok)
    if n < lo or (hi is not None and n > hi):
        want = ("%d" % lo if lo == hi else "%d or more" % lo if hi is None else "%d to %d" % (lo, hi))
        raise CorefileError(d.tok, "%s: %d argument(s), expected %s" % (what, n, want))


def no_block(d, what):
    if d.block is not None:
        raise CorefileError(d.brace, "%s takes no block" % what)


def options(d, plugin, table, ctx):
    """The lines of d's block, each an option of `table`: name -> (lo, hi, check)."""
    for o in d.block or []:
        if o.name not in table:
            raise CorefileError(o.tok, "plugin/%s: unknown option '%s' (known: %s)"
                                % (plugin, o.name, ", ".join(sorted(table))))
        lo, hi, check = table[o.name]
        need(o, o.args, lo, hi, "plugin/%s: %s" % (plugin, o.name))
        no_block(o, "plugin/%s: option %s" % (plugin, o.name))
        if check:
            check(o, ctx)


def each_arg(pred, what):
    def check(o, _ctx):
        for a in o.args:
            if not a.env and not pred(a.text):
                raise CorefileError(a, "%s: '%s' is not %s" % (o.name, a.text, what))
    return check


def first_arg(pred, what):
    def check(o, _ctx):
        a = o.args[0]
        if not a.env and not pred(a.text):
            raise CorefileError(a, "%s: '%s' is not %s" % (o.name, a.text, what))
    return check


def file_exists(ctx, tok):
    if not ctx.check_files or tok.env:
        return
    p = tok.text if os.path.isabs(tok.text) else os.path.join(ctx.root, tok.text)
    if not os.path.isfile(p):
        raise CorefileError(tok, "no such file '%s'" % p)


def forward_policy(o, _ctx):
    if o.args[0].text not in ("random", "round_robin", "sequential"):
        raise CorefileError(o.args[0], "policy: '%s' is not random, round_robin or sequential" % o.args[0].text)


def forward_health(o, _ctx):
    a = o.args
    if not is_duration(a[0].text):
        raise CorefileError(a[0], "health_check: '%s' is not a duration" % a[0].text)
    k = 1
    while k < len(a):
        if a[k].text == "no_rec":
            k += 1
        elif a[k].text == "domain" and k + 1 < len(a):
            check_domain(a[k + 1], a[k + 1].text, "health_check domain")
            k += 2
        else:
            raise CorefileError(a[k], "health_check: unexpected '%s' (no_rec, domain FQDN)" % a[k].text)


def plugin_forward(d, ctx):
    need(d, d.args, 2, None, "plugin/forward")
    check_domain(d.args[0], d.args[0].text, "forward FROM")
    to = d.args[1:]
    if len(to) > 15:
        raise CorefileError(to[15], "plugin/forward: more than 15 TO addresses")
    for a in to:
        if a.env or is_hostport(a.text):
            continue
        # Not an address: CoreDNS reads it as a resolv.conf file at start-up.
        p = a.text if os.path.isabs(a.text) else os.path.join(ctx.root, a.text)
        if "://" in a.text or not os.path.isfile(p):
            raise CorefileError(a, "plugin/forward: '%s' is not an IP address or file" % a.text)
    options(d, "forward", {
        "force_tcp": (0, 0, None), "prefer_udp": (0, 0, None),
        "expire": (1, 1, first_arg(is_duration, "a duration")),
        "max_fails": (1, 1, first_arg(is_uint, "a number")),
        "tls": (0, 3, None), "tls_servername": (1, 1, None),
        "policy": (1, 1, forward_policy),
        "health_check": (1, 4, forward_health),
        "max_concurrent": (1, 1, first_arg(is_uint, "a number")),
        "next": (1, None, each_arg(lambda s: s.upper() in RCODES, "an RCODE")),
        "except": (1, None, None),
        "failfast_all_unhealthy_upstreams": (0, 0, None),
    }, ctx)


def plugin_file(d, ctx):
    need(d, d.args, 1, None, "plugin/file")
    file_exists(ctx, d.args[0])
    for z in d.args[1:]:
        check_domain(z, z.text, "file ZONE")
    options(d, "file", {"reload": (1, 1, first_arg(is_duration, "a duration"))}, ctx)


def plugin_hosts(d, ctx):
    if d.args:
        file_exists(ctx, d.args[0])
    for z in d.args[1:]:
        check_domain(z, z.text, "hosts ZONE")
    for o in d.block or []:
        if is_ip(o.name.split("%")[0]):
            need(o, o.args, 1, None, "plugin/hosts: an inline entry")
            for a in o.args:
                check_domain(a, a.text, "hosts name")
            no_block(o, "plugin/hosts: an inline entry")
            continue
        options(Dir(d.tok, [], [o], None), "hosts", {
            "ttl": (1, 1, first_arg(is_uint, "seconds")), "no_reverse": (0, 0, None),
            "reload": (1, 1, first_arg(is_duration, "a duration")), "fallthrough": (0, None, None),
        }, ctx)


def acl_rule(o, _ctx):
    a = [x.text for x in o.args]
    k = 0
    while k < len(a):
        if a[k] not in ("type", "net"):
            raise CorefileError(o.args[k], "plugin/acl: '%s': expected type QTYPE... or net SOURCE..." % a[k])
        kw, k = a[k], k + 1
        if k >= len(a) or a[k] in ("type", "net"):
            raise CorefileError(o.tok, "plugin/acl: '%s' without a value" % kw)
        while k < len(a) and a[k] not in ("type", "net"):
            if kw == "net" and a[k] != "*":
                try:
                    ipaddress.ip_network(a[k], strict=False)
                except ValueError:
                    raise CorefileError(o.args[k], "plugin/acl: '%s' is not a network" % a[k])
            k += 1


def plugin_acl(d, ctx):
    for z in d.args:
        check_domain(z, z.text, "acl ZONE")
    if not d.block:
        raise CorefileError(d.tok, "plugin/acl: a block with at least one rule (allow, block, filter, drop) is needed")
    options(d, "acl", {a: (0, None, acl_rule) for a in ("allow", "block", "filter", "drop")}, ctx)


def cache_capacity(o, _ctx):
    for a in o.args:
        if not is_uint(a.text):
            raise CorefileError(a, "%s: '%s' is not a number" % (o.name, a.text))


def plugin_cache(d, ctx):
    if d.args and is_uint(d.args[0].text):
        zones = d.args[1:]
    else:
        zones = d.args
    for z in zones:
        check_domain(z, z.text, "cache ZONE")
    options(d, "cache", {
        "success": (1, 3, cache_capacity), "denial": (1, 3, cache_capacity),
        "prefetch": (1, 3, None), "serve_stale": (0, 2, None),
        "servfail": (1, 1, first_arg(is_duration, "a duration")),
        "disable": (1, None, None), "keepttl": (0, 0, None),
    }, ctx)


def simple(lo, hi, opts=None, check=None):
    def run(d, ctx):
        need(d, d.args, lo, hi, "plugin/" + d.name)
        if check:
            check(d, ctx)
        if opts is None:
            no_block(d, "plugin/" + d.name)
        else:
            options(d, d.name, opts, ctx)
    return run


PLUGINS = {
    "forward": plugin_forward,
    "file": plugin_file,
    "hosts": plugin_hosts,
    "acl": plugin_acl,
    "cache": plugin_cache,
    "log": simple(0, None, {"class": (1, None, None)}),
    "errors": simple(0, 0, {"consolidate": (2, 3, None), "stacktrace": (0, 0, None)}),
    "health": simple(0, 1, {"lameduck": (1, 1, first_arg(is_duration, "a duration"))}),
    "ready": simple(0, 1),
    "prometheus": simple(0, 1),
    "reload": simple(0, 2, check=each_arg(is_duration, "a duration")),
    "whoami": simple(0, 0),
    "bind": simple(1, None, {"except": (1, None, None)}),
    "loop": simple(0, 0),
    "loadbalance": simple(0, 1),
    "debug": simple(0, 0),
    "root": simple(1, 1),
    "any": simple(0, 0),
    "minimal": simple(0, 0),
}
ONCE = ("forward", "cache", "root", "errors", "health", "ready", "reload", "whoami", "loop", "debug")


def check_block(dirs, ctx, snippets):
    seen = {}
    for d in dirs:
        if d.name == "import":
            need(d, d.args, 1, 1, "import")
            if d.args[0].text not in snippets:
                raise CorefileError(d.args[0], "import '%s': no snippet of that name (file imports are not checked)"
                                    % d.args[0].text)
            no_block(d, "import")
            check_block(snippets[d.args[0].text], ctx, snippets)
            continue
        if d.tok.quoted or d.name not in PLUGINS:
            raise CorefileError(d.tok, "unknown plugin '%s'" % d.name)
        if d.name in ONCE and d.name in seen:
            raise CorefileError(d.tok, "plugin/%s: only one per server block (the first is at line %d)"
                                % (d.name, seen[d.name]))
        seen.setdefault(d.name, d.tok.line)
        if d.name == "root":
            ctx.root = os.path.join(ctx.root, d.args[0].text) if d.args else ctx.root
        PLUGINS[d.name](d, ctx)


def check_corefile(path, text, check_files):
    toks = lex(text)
    if not toks:
        raise CorefileError(None, "no server block")
    defined = {}
    snippets = {}
    k = 0
    nblocks = 0
    while k < len(toks):
        t = toks[k]
        if not t.quoted and t.text in ("{", "}"):
            raise CorefileError(t, "unexpected '%s': a server block starts with its zone" % t.text)
        # snippet: (name) { ... }
        if not t.quoted and t.text.startswith("(") and t.text.endswith(")") and len(t.text) > 2:
            if k + 1 >= len(toks) or toks[k + 1].text != "{" or newline_before(toks, k + 1):
                raise CorefileError(t, "snippet %s: '{' expected on the same line" % t.text)
            body, k = parse_lines(toks, k + 2, True)
            if k >= len(toks):
                raise CorefileError(toks[k - 1] if k else t, "unbalanced braces: snippet %s is never closed" % t.text)
            snippets[t.text[1:-1]] = body
            k += 1
            continue
        keys = []
        while True:
            t = toks[k]
            for part in (p for p in t.text.split(",")):
                if part:
                    keys.append((Tok(part, t.line, t.col, t.quoted), t))
            k += 1
            if k >= len(toks) or newline_before(toks, k) and not t.text.endswith(","):
                break
            if not toks[k].quoted and toks[k].text == "{":
                break
        if not keys:
            raise CorefileError(t, "server block without a zone")
        nblocks += 1
        if k < len(toks) and not toks[k].quoted and toks[k].text == "{" and not newline_before(toks, k):
            brace = toks[k]
            if k + 1 < len(toks) and not newline_before(toks, k + 1) and toks[k + 1].text != "}":
                raise CorefileError(toks[k + 1], "'{' must end the line (the block's lines follow on their own)")
            body, k = parse_lines(toks, k + 1, True)
            if k >= len(toks):
                raise CorefileError(brace, "unbalanced braces: this '{' is never closed")
            k += 1
            if k < len(toks) and not newline_before(toks, k):
                raise CorefileError(toks[k], "unexpected '%s' after '}' on the same line" % toks[k].text)
        else:
            if nblocks > 1 or snippets:
                raise CorefileError(keys[0][1], "server block '%s' has no '{': only a Corefile with a single "
                                    "server block may leave out the braces" % keys[0][0].text)
            body, k = parse_lines(toks, k, False)
            if k < len(toks):
                raise CorefileError(toks[k], "unexpected '%s'" % toks[k].text)
        for key, _ in keys:
            sc, zone, port = parse_key(key)
            if sc == "env":
                continue
            where = "%s%s:%d" % (sc, zone, port)
            if where in defined:
                raise CorefileError(key, "cannot serve %s - it is already defined (line %d)" % (where, defined[where]))
            defined[where] = key.line
        check_block(body, Ctx(path, check_files), snippets)
    if nblocks == 0:
        raise CorefileError(None, "no server block")
    return nblocks


def main(argv):
    check_files = False
    files = []
    for a in argv[1:]:
        if a == "--check-files":
            check_files = True
        elif a.startswith("-"):
            print("usage: corefile_check.py [--check-files] COREFILE...", file=sys.stderr)
            return 2
        else:
            files.append(a)
    if not files:
        print("usage: corefile_check.py [--check-files] COREFILE...", file=sys.stderr)
        return 2
    return run_files(files, lambda f, text: check_corefile(f, text, check_files), "server blocks")

if __name__ == "__main__":
    sys.exit(main(sys.argv))
