#!/usr/bin/env python3
"""ps_check.py -- a syntax and parameter checker for the PowerShell scripts
of `hybridns export --to windows` (DnsServer module).

There is no PowerShell and no Windows DNS server in the test machine: this
checker parses the script against the PowerShell language grammar (the part
of it a configuration script uses) and checks every command against the
documented syntax of the DnsServer cmdlets the export may use.

usage: ps_check.py SCRIPT...
  exit 0 valid; 1 an error (printed as FILE:LINE:COL: message); 2 usage or
  unreadable file.

The language (sources: PowerShell Language Specification 3.0, chapter 2
"Lexical structure" and chapter 8 "Statements"; about_Quoting_Rules,
about_Special_Characters, about_Comments, about_Parsing,
about_Parameters, https://learn.microsoft.com/powershell/module/
microsoft.powershell.core/about/):
  - 'single-quoted' strings ('' is a quote; the typographic quotes count as
    quotes), "double-quoted" strings (backtick escapes `0 `a `b `e `f `n `r
    `t `v `u{hex} `` `" `$, "" is a quote, $var, ${name} and $( ... )
    expansions), here-strings @' '@ and @" "@ (the opening alone at the end
    of its line, the closing at the start of one);
  - comments: # to the end of the line (at the start of a token), <# ... #>;
  - backtick at the end of a line continues the line; a backtick followed
    by a space is an escaped space, and the next line then starts a new
    statement (a line starting with -Parameter is an error);
  - variables $name, $scope:name, ${any}, $_, $$, $?, $^; type literals
    [Name]; numbers; @( ) arrays, @{ k = v; ... } hashtables, $( ) and ( )
    subexpressions, member access . and ::, method calls, [index];
  - statements separated by newlines or ;; pipelines with |; assignments
    $x = ...; commands with -Parameter, -Parameter:value, positional
    arguments, comma-separated arrays (a trailing comma continues the
    line), and -- ending the parameters.

The commands (sources: the Microsoft Learn pages of each cmdlet,
https://learn.microsoft.com/powershell/module/dnsserver/<cmdlet>):
  Add-DnsServerConditionalForwarderZone, Add-DnsServerPrimaryZone,
  Add-DnsServerResourceRecord (the A, AAAA, CName, MX, NS, Ptr, Srv and Txt
  parameter sets), Add-DnsServerResourceRecordA, -AAAA, -CName, -MX, -Ptr,
  Set-DnsServerForwarder.  Any other command is an error.  For each: every
  parameter is one of the cmdlet's (or a common parameter); one parameter
  set holds them all; its mandatory parameters are given; a value has the
  documented type: [String] takes one value (not a list), IPAddress[] takes
  IP addresses, UInt16/UInt32 numbers in range (-ForwarderTimeout 0..15,
  documented), Boolean $true/$false, TimeSpan a [TimeSpan]:: call or
  "hh:mm:ss", a switch no value.  $ErrorActionPreference takes an
  ActionPreference name.

Not checked: what the script does on a real Windows DNS server (semantics,
whether a zone or record already exists, permissions), other PowerShell
syntax than the constructs above (an error, never a pass), the values of
expressions computed at run time.
"""
import ipaddress
import re
import sys

from checkerlib import CheckError as PsError, run_files


SQUOTES = "'\u2018\u2019\u201a\u201b"
DQUOTES = '"\u201c\u201d\u201e'
DASHES = "-\u2013\u2014\u2015"
ESCAPES = set("0abefnrtv`\"'$") | {"\n"}


class Tok:
    """kind: str (quoted), expstr (expandable), bare (generic argument), param,
    var, num, op, nl, eof; text: the value; spc: white space before it."""
    __slots__ = ("kind", "text", "line", "col", "spc")

    def __init__(self, kind, text, line, col, spc):
        self.kind, self.text, self.line, self.col, self.spc = kind, text, line, col, spc

    def __repr__(self):
        return "%s(%r)@%d:%d" % (self.kind, self.text, self.line, self.col)


class Lexer:
    def __init__(self, text):
        self.s = text.replace("\r\n", "\n")
        self.i = 0
        self.line = 1
        self.col = 1
        self.prev = None

    def err(self, msg, line=None, col=None):
        raise PsError(line or self.line, col or self.col, msg)

    def peek(self, k=0):
        """The character k ahead, "" at the end (test c == "" before c in CHARS)."""
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def adv(self, n=1):
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line, self.col = self.line + 1, 1
                else:
                    self.col += 1
                self.i += 1

    def skip_space(self):
        """White space, comments and line continuations; True if any."""
        start = self.i
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t\f\v\u00a0":
                self.adv()
            elif c == "`" and self.peek(1) == "\n":
                self.adv(2)
            elif c == "<" and self.peek(1) == "#":
                line, col = self.line, self.col
                end = self.s.find("#>", self.i + 2)
                if end < 0:
                    self.err("unterminated block comment <#", line, col)
                self.adv(end + 2 - self.i)
            elif c == "#":
                while self.i < len(self.s) and self.peek() != "\n":
                    self.adv()
            else:
                break
        return self.i > start

    def single(self):
        """A single-quoted string; the opening quote is at i."""
        line, col = self.line, self.col
        self.adv()
        out = []
        while True:
            c = self.peek()
            if c == "":
                self.err("unterminated single-quoted string", line, col)
            if c in SQUOTES:
                if self.peek(1) in SQUOTES and self.peek(1) != "":
                    out.append("'")
                    self.adv(2)
                    continue
                self.adv()
                return "".join(out)
            out.append(c)
            self.adv()

    def double(self):
        """A double-quoted string with its escapes and expansions checked."""
        line, col = self.line, self.col
        self.adv()
        out = []
        while True:
            c = self.peek()
            if c == "":
                self.err("unterminated double-quoted string", line, col)
            if c == "`":
                e = self.peek(1)
                if e == "":
                    self.err("unterminated double-quoted string", line, col)
                if e == "u" and self.peek(2) == "{":
                    m = re.match(r"`u\{([0-9A-Fa-f]{1,6})\}", self.s[self.i:])
                    if not m:
                        self.err("`u{...} escape without 1 to 6 hex digits")
                    out.append(chr(int(m.group(1), 16)))
                    self.adv(len(m.group(0)))
                    continue
                out.append({"n": "\n", "r": "\r", "t": "\t", "0": "\0", "a": "\a", "b": "\b",
                            "e": "\x1b", "f": "\f", "v": "\v"}.get(e, e))
                self.adv(2)
                continue
            if c in DQUOTES:
                if self.peek(1) in DQUOTES and self.peek(1) != "":
                    out.append('"')
                    self.adv(2)
                    continue
                self.adv()
                return "".join(out)
            if c == "$":
                self.expansion(out)
                continue
            out.append(c)
            self.adv()

    def expansion(self, out):
        """$name, ${name}, $( ... ) inside an expandable string."""
        line, col = self.line, self.col
        if self.peek(1) == "(":
            self.adv(2)
            depth = 1
            sub_start = self.i
            # The subexpression is code: lex it to find its end.
            while depth:
                self.skip_space()
                c = self.peek()
                if c == "":
                    self.err("unterminated $( ) in a string", line, col)
                if c == "(":
                    depth += 1
                    self.adv()
                elif c == ")":
                    depth -= 1
                    self.adv()
                elif c in SQUOTES:
                    self.single()
                elif c in DQUOTES:
                    self.double()
                else:
                    self.adv()
            out.append("$(" + self.s[sub_start:self.i - 1] + ")")
            return
        if self.peek(1) == "{":
            end = self.s.find("}", self.i)
            if end < 0:
                self.err("unterminated ${ in a string", line, col)
            out.append(self.s[self.i:end + 1])
            self.adv(end + 1 - self.i)
            return
        m = re.match(r"\$(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z0-9_?^$]+", self.s[self.i:])
        if m:
            out.append(m.group(0))
            self.adv(len(m.group(0)))
        else:
            out.append("$")
            self.adv()

    def here(self):
        line, col = self.line, self.col
        q = self.peek(1)
        self.adv(2)
        while self.peek() != "" and self.peek() in " \t":
            self.adv()
        if self.peek() != "\n":
            self.err("here-string: nothing may follow @%s on its line" % q, line, col)
        self.adv()
        close = "\n" + ("'" if q in SQUOTES else '"') + "@"
        body_start = self.i
        end = self.s.find(close, self.i - 1)
        if end < 0:
            self.err("unterminated here-string (the closing %s@ must start a line)" % q, line, col)
        body = self.s[body_start:end] if end >= body_start else ""
        self.adv(end + len(close) - self.i)
        return ("str" if q in SQUOTES else "expstr"), body

    def bare(self):
        """A generic argument-mode token, with quoted parts joined in."""
        out = []
        while True:
            c = self.peek()
            if c == "" or c in " \t\n\f\v(){};,|&<>\u00a0":
                break
            if c == "`":
                e = self.peek(1)
                if e == "\n" or e == "":
                    break
                out.append(e)
                self.adv(2)
                continue
            if c in SQUOTES:
                out.append(self.single())
                continue
            if c in DQUOTES:
                out.append(self.double())
                continue
            out.append(c)
            self.adv()
        return "".join(out)

    def next(self, argmode):
        t = self.next_tok(argmode)
        self.prev = t.kind if t.kind != "op" else t.text
        return t

    def next_tok(self, argmode):
        spc = self.skip_space()
        line, col = self.line, self.col
        c = self.peek()
        mk = lambda kind, text: Tok(kind, text, line, col, spc)
        if c == "":
            return mk("eof", "")
        if c == "\n" or c == ";":
            self.adv()
            return mk("nl", c)
        if c == "`" and self.peek(1) != "" and self.peek(1) in " \t":
            # an escaped space: an argument of one space, and no continuation
            self.adv(2)
            return mk("bare", " ")
        if c == "@" and self.peek(1) in SQUOTES + DQUOTES and self.peek(1):
            kind, body = self.here()
            return mk(kind, body)
        if c in SQUOTES:
            return mk("str", self.single())
        if c in DQUOTES:
            return mk("expstr", self.double())
        for op in ("@(", "@{", "$(", "::", "&&", "||", "+=", "-=", "++", "--", "..", "(", ")", "{", "}",
                   "[", "]", ",", "|", "&", "=", "!", "+", "*", "/", "%", "."):
            if self.s.startswith(op, self.i):
                if op in ("..", "+", "*", "/", "%", "=", "!", "+=", "-=", "++", "--") and argmode:
                    break
                if op == "::" and argmode and (spc or self.prev not in ("var", ")", "]")):
                    break
                if op == "--" and argmode and (self.peek(2) == "" or self.peek(2) in " \t\n"):
                    self.adv(2)
                    return mk("op", "--%end")
                if op in ("[", ".") and argmode and (spc or self.prev not in ("var", ")")):
                    break
                self.adv(len(op))
                return mk("op", op)
        if c == "$":
            m = re.match(r"\$\{([^}]*)\}", self.s[self.i:]) or \
                re.match(r"\$((?:global:|local:|script:|private:|using:|env:|variable:)?[A-Za-z0-9_]+|[$?^_])",
                         self.s[self.i:], re.I)
            if not m:
                self.err("'$' without a variable name")
            self.adv(len(m.group(0)))
            return mk("var", m.group(1))
        if c in DASHES and re.match(r"[A-Za-z_?]", self.peek(1) or "#"):
            m = re.match(r"[-\u2013\u2014\u2015]([A-Za-z_?][A-Za-z0-9_-]*)(:?)", self.s[self.i:])
            self.adv(len(m.group(0)))
            return mk("param", m.group(1) + m.group(2))
        if not argmode:
            m = re.match(r"0x[0-9A-Fa-f]+|\d+(\.\d+)?([eE][+-]?\d+)?(kb|mb|gb|tb|pb|l|d)?(?![\w.])",
                         self.s[self.i:], re.I)
            if m:
                self.adv(len(m.group(0)))
                return mk("num", m.group(0))
            if c in DASHES:
                self.adv()
                return mk("op", "-")
            m = re.match(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*", self.s[self.i:])
            if m:
                self.adv(len(m.group(0)))
                return mk("bare", m.group(0))
            self.err("unexpected character '%s'" % c)
        if c in DASHES and self.peek(1).isdigit():
            m = re.match(r"-\d+(?![^\s(){};,|&<>])", self.s[self.i:])
            if m:
                self.adv(len(m.group(0)))
                return mk("num", m.group(0))
        text = self.bare()
        if text == "" and self.i < len(self.s) and self.peek() in "<>":
            self.err("'%s': redirection is not used by the export" % self.peek())
        if text == "":
            self.err("unexpected character '%s'" % self.peek())
        return mk("bare", text)


# ---- values (what an argument or expression is, as far as the checker sees)

class Val:
    """kind: str (a literal string), bare (an unquoted argument), num, bool,
    var, array (items), expr (computed at run time); what: for messages."""

    def __init__(self, kind, value, tok, items=None):
        self.kind, self.value, self.tok, self.items = kind, value, tok, items


class Parser:
    def __init__(self, text):
        self.lx = Lexer(text)
        self.argmode = False
        self.tok = None
        self.ahead = None
        self.commands = []  # (name tok, [(param tok or None, Val or None)])
        self.assigns = []   # (var tok, Val)

    def next(self):
        self.tok = self.lx.next(self.argmode)
        return self.tok

    def err(self, tok, msg):
        raise PsError(tok.line, tok.col, msg)

    def at(self, kind, text=None):
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def expect_op(self, text):
        if not self.at("op", text):
            self.err(self.tok, "'%s' expected, found %s" % (text, self.desc(self.tok)))
        self.argmode = False
        self.next()

    @staticmethod
    def desc(t):
        if t.kind == "eof":
            return "the end of the file"
        if t.kind == "nl":
            return "the end of the line" if t.text == "\n" else "';'"
        return "'%s'" % t.text

    # statements
    def script(self):
        self.argmode = False
        self.next()
        self.statements(end=None)
        return self

    def statements(self, end):
        while True:
            while self.at("nl"):
                self.argmode = False
                self.next()
            if self.at("eof"):
                if end is not None:
                    self.err(self.tok, "'%s' expected before the end of the file" % end)
                return
            if end is not None and self.at("op", end):
                return
            self.pipeline()
            if not (self.at("nl") or self.at("eof") or (end is not None and self.at("op", end))):
                self.err(self.tok, "unexpected %s: a statement ends at the end of its line or at ';'"
                         % self.desc(self.tok))

    def pipeline(self):
        t = self.tok
        if t.kind == "param":
            self.err(t, "a statement cannot start with the parameter -%s (a line continuation "
                        "backtick missing, or followed by a space?)" % t.text.rstrip(":"))
        if t.kind == "var" and self.assignment():
            return
        while True:
            self.pipe_element()
            if self.at("op", "|"):
                self.argmode = False
                self.next()
                while self.at("nl") and self.tok.text == "\n":
                    self.next()
                continue
            if self.at("op", "&&") or self.at("op", "||"):
                self.argmode = False
                self.next()
                continue
            return

    def assignment(self):
        """$x = value (the lexer is at the variable)."""
        var = self.tok
        save = (self.lx.i, self.lx.line, self.lx.col)
        self.argmode = False
        self.next()
        if not (self.at("op", "=") or self.at("op", "+=") or self.at("op", "-=")):
            self.lx.i, self.lx.line, self.lx.col = save
            self.tok = var
            return False
        self.next()
        if self.at("nl") or self.at("eof"):
            self.err(self.tok, "an assignment to $%s without a value" % var.text)
        v = self.expression()
        self.assigns.append((var, v))
        return True

    def pipe_element(self):
        t = self.tok
        if t.kind == "bare" or (t.kind in ("str", "expstr") and False):
            return self.command()
        if t.kind == "op" and t.text == "&":
            self.err(t, "the call operator & is not used by the export")
        self.expression()

    # commands
    def command(self):
        name = self.tok
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*-[A-Za-z][A-Za-z0-9]*", name.text):
            self.err(name, "'%s' is not a Verb-Noun command name" % name.text)
        self.argmode = True
        self.next()
        elems = []
        while not (self.at("nl") or self.at("eof") or self.at("op", "|") or self.at("op", ")")
                   or self.at("op", "}") or self.at("op", "&&") or self.at("op", "||")):
            if self.at("param"):
                p = self.tok
                if p.text.endswith(":"):
                    self.next()
                    if self.at("nl") or self.at("eof"):
                        self.err(p, "-%s with no value after the ':'" % p.text)
                    elems.append((p, self.arg_list()))
                    continue
                elems.append((p, None))
                self.next()
                continue
            if self.at("op", "--%end"):
                self.next()
                continue
            if self.at("op", "&"):
                self.err(self.tok, "'&' in a command: the background operator is not used by the export")
            elems.append((None, self.arg_list()))
        self.argmode = False
        self.commands.append((name, elems))

    def arg_list(self):
        """One argument, or several joined by commas (an array)."""
        first = self.arg()
        if not self.at("op", ","):
            return first
        items = [first]
        while self.at("op", ","):
            self.next()
            while self.at("nl") and self.tok.text == "\n":
                self.next()
            if self.at("eof") or self.at("nl") or self.at("param"):
                self.err(self.tok, "',' without a value after it")
            items.append(self.arg())
        return Val("array", None, first.tok, items)

    def arg(self):
        t = self.tok
        if t.kind in ("bare", "num"):
            self.next()
            if t.kind == "bare" and t.text.lower() in ("$true", "$false"):
                return Val("bool", t.text.lower() == "$true", t)
            return Val("bare" if t.kind == "bare" else "num", t.text, t)
        if t.kind in ("str", "expstr"):
            self.next()
            v = Val("str" if t.kind == "str" or "$" not in t.text else "expr", t.text, t)
            return v
        if t.kind == "var":
            self.next()
            if t.text.lower() in ("true", "false"):
                return Val("bool", t.text.lower() == "true", t)
            return self.postfix(Val("var", t.text, t), argmode=True)
        if t.kind == "op" and t.text in ("(", "$(", "@(", "@{"):
            v = self.primary()
            self.argmode = True
            if self.at("op") and self.tok.text not in (",", ")", "}", "|", "&&", "||") and not self.tok.spc:
                pass
            return v
        self.err(t, "unexpected %s as a command argument" % self.desc(t))

    # expressions
    BINOPS = ("+", "-", "*", "/", "%", "..")
    WORDOPS = {"eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains",
               "notcontains", "in", "notin", "and", "or", "xor", "band", "bor", "f", "join", "split",
               "replace", "is", "isnot", "as", "ceq", "ieq", "cne", "ine"}

    def expression(self):
        v = self.unary()
        items = [v]
        while True:
            if self.at("op", ","):
                self.next()
                items.append(self.unary())
                continue
            if self.at("op") and self.tok.text in self.BINOPS or self.at("op", "-"):
                self.next()
                self.unary()
                v = Val("expr", None, v.tok)
                items[-1] = v
                continue
            if self.at("param") and self.tok.text.lower() in self.WORDOPS:
                self.next()
                self.unary()
                items[-1] = Val("expr", None, v.tok)
                continue
            if self.at("param"):
                self.err(self.tok, "unknown operator -%s" % self.tok.text)
            break
        if len(items) > 1:
            return Val("array", None, items[0].tok, items)
        return items[0]

    def unary(self):
        t = self.tok
        if self.at("op", "!") or self.at("op", "-") or self.at("op", "+") or \
                (self.at("param") and t.text.lower() in ("not", "bnot")):
            self.next()
            self.unary()
            return Val("expr", None, t)
        if self.at("op", "["):
            ty = self.type_literal()
            if self.at("op", "::"):
                return self.postfix(Val("type", ty, t))
            if self.tok.kind in ("nl", "eof") or self.at("op", ")") or self.at("op", ","):
                return Val("type", ty, t)
            self.unary()
            return Val("expr", "[%s]" % ty, t)
        return self.postfix(self.primary())

    def type_literal(self):
        t = self.tok
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.]*(?:\[\])?)\s*\]", self.lx.s[self.lx.i:])
        if not m:
            self.err(t, "a type name and ']' expected after '['")
        self.lx.adv(len(m.group(0)))
        self.next()
        return m.group(1)

    def primary(self):
        t = self.tok
        if t.kind in ("str", "expstr"):
            self.next()
            return Val("str" if t.kind == "str" or "$" not in t.text else "expr", t.text, t)
        if t.kind == "num":
            self.next()
            return Val("num", t.text, t)
        if t.kind == "var":
            self.next()
            if t.text.lower() in ("true", "false"):
                return Val("bool", t.text.lower() == "true", t)
            return Val("var", t.text, t)
        if t.kind == "op" and t.text in ("(", "$(", "@("):
            save = self.argmode
            self.argmode = False
            self.next()
            if t.text == "(":
                while self.at("nl") and self.tok.text == "\n":
                    self.next()
                if self.at("op", ")"):
                    self.err(self.tok, "empty ( )")
                self.pipeline()
                while self.at("nl") and self.tok.text == "\n":
                    self.next()
            else:
                self.statements(end=")")
            if not self.at("op", ")"):
                self.err(self.tok, "')' expected (the '%s' at %d:%d), found %s" % (t.text, t.line, t.col,
                                                                                   self.desc(self.tok)))
            self.argmode = save
            self.next()
            return Val("expr", None, t)
        if t.kind == "op" and t.text == "@{":
            self.argmode = False
            self.next()
            while True:
                while self.at("nl"):
                    self.next()
                if self.at("op", "}"):
                    break
                if self.tok.kind not in ("bare", "str", "expstr", "num"):
                    self.err(self.tok, "a hashtable key expected, found %s" % self.desc(self.tok))
                self.next()
                self.expect_op("=")
                self.expression()
                if not (self.at("nl") or self.at("op", "}")):
                    self.err(self.tok, "';', a new line or '}' expected in the hashtable, found %s"
                             % self.desc(self.tok))
            self.next()
            return Val("expr", None, t)
        if t.kind == "bare" and not self.argmode:
            self.err(t, "'%s': a command must start its statement" % t.text)
        self.err(t, "unexpected %s in an expression" % self.desc(t))

    def postfix(self, v, argmode=False):
        while True:
            if argmode and self.tok.spc:
                return v
            if self.at("op", "::") or self.at("op", "."):
                self.argmode = False
                self.next()
                if self.tok.kind not in ("bare", "param") or self.tok.spc:
                    self.err(self.tok, "a member name expected after '::' or '.'")
                self.argmode = argmode
                self.next()
                if self.at("op", "(") and not self.tok.spc:
                    self.argmode = False
                    self.next()
                    while not self.at("op", ")"):
                        self.expression_no_comma()
                        if self.at("op", ","):
                            self.next()
                        elif not self.at("op", ")"):
                            self.err(self.tok, "',' or ')' expected in the method's arguments, found %s"
                                     % self.desc(self.tok))
                    self.argmode = argmode
                    self.next()
                v = Val("expr", None, v.tok) if v.kind != "type" else Val("call", v.value, v.tok)
                continue
            if self.at("op", "[") and not self.tok.spc:
                self.argmode = False
                self.next()
                self.expression()
                if not self.at("op", "]"):
                    self.err(self.tok, "']' expected, found %s" % self.desc(self.tok))
                self.argmode = argmode
                self.next()
                v = Val("expr", None, v.tok)
                continue
            return v

    def expression_no_comma(self):
        v = self.unary()
        while self.at("op") and self.tok.text in self.BINOPS or self.at("op", "-"):
            self.next()
            self.unary()
        return v


# ---- the DnsServer cmdlets

# Parameters every CIM cmdlet of the module takes (and the common ones).
CIM = {"ComputerName": "String", "CimSession": "any", "ThrottleLimit": "Int32", "AsJob": "switch",
       "PassThru": "switch", "WhatIf": "switch", "Confirm": "switch"}
COMMON = {"Verbose": "switch", "Debug": "switch", "ErrorAction": "ActionPreference",
          "WarningAction": "ActionPreference", "InformationAction": "ActionPreference",
          "ErrorVariable": "String", "WarningVariable": "String", "InformationVariable": "String",
          "OutVariable": "String", "OutBuffer": "Int32", "PipelineVariable": "String"}
RECORD = {"ZoneName": "String", "Name": "String", "TimeToLive": "TimeSpan", "AgeRecord": "switch",
          "AllowUpdateAny": "switch", "ZoneScope": "String", "VirtualizationInstance": "String"}


def pset(params, mandatory, positions=()):
    """A parameter set: name -> type, the mandatory names, the positional names in order."""
    return {"params": dict(params), "mandatory": set(mandatory), "positions": list(positions)}


def rr_set(switch, extra, mandatory):
    p = dict(RECORD)
    p.update(extra)
    p[switch] = "switch"
    return pset(p, ["ZoneName", "Name", switch] + mandatory, ["ZoneName", "Name"])


CMDLETS = {
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverconditionalforwarderzone
    "Add-DnsServerConditionalForwarderZone": {
        "FileForwardLookupZone": pset({"Name": "String", "MasterServers": "IPAddress[]",
                                       "ForwarderTimeout": "UInt32:0:15", "UseRecursion": "switch",
                                       "LoadExisting": "switch"},
                                      ["Name", "MasterServers"], ["Name", "MasterServers", "ForwarderTimeout"]),
        "ADForwardLookupZone": pset({"Name": "String", "MasterServers": "IPAddress[]",
                                     "ForwarderTimeout": "UInt32:0:15", "UseRecursion": "switch",
                                     "LoadExisting": "switch", "ReplicationScope": "Forest|Domain|Legacy|Custom",
                                     "DirectoryPartitionName": "String"},
                                    ["Name", "MasterServers", "ReplicationScope"],
                                    ["Name", "MasterServers", "ForwarderTimeout"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverprimaryzone
    "Add-DnsServerPrimaryZone": {
        "FileForwardLookupZone": pset({"Name": "String", "ZoneFile": "String", "ResponsiblePerson": "String",
                                       "DynamicUpdate": "None|Secure|NonsecureAndSecure", "LoadExisting": "switch",
                                       "VirtualizationInstance": "String"}, ["Name", "ZoneFile"], ["Name"]),
        "FileReverseLookupZone": pset({"NetworkId": "String", "ZoneFile": "String", "ResponsiblePerson": "String",
                                       "DynamicUpdate": "None|Secure|NonsecureAndSecure", "LoadExisting": "switch",
                                       "VirtualizationInstance": "String"}, ["NetworkId", "ZoneFile"]),
        "ADForwardLookupZone": pset({"Name": "String", "ReplicationScope": "Forest|Domain|Legacy|Custom",
                                     "DirectoryPartitionName": "String", "ResponsiblePerson": "String",
                                     "DynamicUpdate": "None|Secure|NonsecureAndSecure", "LoadExisting": "switch"},
                                    ["Name", "ReplicationScope"], ["Name", "ReplicationScope",
                                                                   "DirectoryPartitionName"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecord
    "Add-DnsServerResourceRecord": {
        "A": rr_set("A", {"IPv4Address": "IPAddress", "CreatePtr": "switch"}, ["IPv4Address"]),
        "AAAA": rr_set("AAAA", {"IPv6Address": "IPAddress", "CreatePtr": "switch"}, ["IPv6Address"]),
        "CNAME": rr_set("CName", {"HostNameAlias": "String"}, ["HostNameAlias"]),
        "MX": rr_set("MX", {"MailExchange": "String", "Preference": "UInt16"}, ["MailExchange", "Preference"]),
        "NS": rr_set("NS", {"NameServer": "String"}, ["NameServer"]),
        "PTR": rr_set("Ptr", {"PtrDomainName": "String"}, ["PtrDomainName"]),
        "SRV": rr_set("Srv", {"DomainName": "String", "Priority": "UInt16", "Weight": "UInt16", "Port": "UInt16"},
                      ["DomainName", "Priority", "Weight", "Port"]),
        "TXT": rr_set("Txt", {"DescriptiveText": "String"}, ["DescriptiveText"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecorda
    "Add-DnsServerResourceRecordA": {
        "Default": pset(dict(RECORD, IPv4Address="IPAddress[]", CreatePtr="switch"),
                        ["ZoneName", "Name", "IPv4Address"], ["ZoneName", "Name", "IPv4Address"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecordaaaa
    "Add-DnsServerResourceRecordAAAA": {
        "Default": pset(dict(RECORD, IPv6Address="IPAddress[]", CreatePtr="switch"),
                        ["ZoneName", "Name", "IPv6Address"], ["ZoneName", "Name", "IPv6Address"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecordcname
    "Add-DnsServerResourceRecordCName": {
        "Default": pset(dict(RECORD, HostNameAlias="String"), ["ZoneName", "Name", "HostNameAlias"],
                        ["ZoneName", "Name"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecordmx
    "Add-DnsServerResourceRecordMX": {
        "Default": pset(dict(RECORD, MailExchange="String", Preference="UInt16"),
                        ["ZoneName", "Name", "MailExchange", "Preference"],
                        ["ZoneName", "Name", "MailExchange", "Preference"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/add-dnsserverresourcerecordptr
    "Add-DnsServerResourceRecordPtr": {
        "Default": pset(dict(RECORD, PtrDomainName="String"), ["ZoneName", "Name", "PtrDomainName"],
                        ["ZoneName", "Name", "PtrDomainName"]),
    },
    # https://learn.microsoft.com/powershell/module/dnsserver/set-dnsserverforwarder
    "Set-DnsServerForwarder": {
        "Default": pset({"IPAddress": "IPAddress[]", "UseRootHint": "Boolean", "Timeout": "UInt32:0:15",
                         "EnableReordering": "Boolean"}, [], ["IPAddress"]),
    },
}
ALIASES = {"ZoneName": "Name"}  # Add-DnsServerPrimaryZone and ConditionalForwarderZone: -ZoneName is -Name
ACTIONS = {"stop", "continue", "silentlycontinue", "inquire", "ignore", "suspend", "break"}


def canon(cmd):
    for c in CMDLETS:
        if c.lower() == cmd.lower():
            return c
    return None


def check_ip(v, want6=None):
    if v.kind in ("var", "expr", "call"):
        return
    if v.kind not in ("bare", "str"):
        raise PsError(v.tok.line, v.tok.col, "'%s' is not an IP address" % v.value)
    try:
        a = ipaddress.ip_address(v.value)
    except ValueError:
        raise PsError(v.tok.line, v.tok.col, "'%s' is not an IP address" % v.value)
    if want6 is not None and (a.version == 6) != want6:
        raise PsError(v.tok.line, v.tok.col, "'%s' is not an IPv%d address" % (v.value, 6 if want6 else 4))


def check_value(cmd, pname, ptype, v, ptok):
    where = cmd if pname == "=" else "%s -%s" % (cmd, pname)
    if ptype == "any":
        return
    if v.kind == "array" and not ptype.endswith("[]"):
        raise PsError(v.items[1].tok.line, v.items[1].tok.col,
                      "%s takes one %s, not a list (the documented type is %s)"
                      % (where, ptype.split(":")[0].split("|")[0] if "|" not in ptype else "value",
                         ptype.split(":")[0] if "|" not in ptype else "String"))
    items = v.items if v.kind == "array" else [v]
    for it in items:
        if it.kind in ("var", "expr"):
            continue
        t = it.tok
        if ptype.startswith("IPAddress"):
            check_ip(it, {"IPv4Address": False, "IPv6Address": True}.get(pname))
        elif ptype.startswith(("UInt", "Int")):
            parts = ptype.split(":")
            if it.kind not in ("num", "bare", "str") or not re.fullmatch(r"-?\d+", str(it.value)):
                raise PsError(t.line, t.col, "%s: '%s' is not a number" % (where, it.value))
            n = int(it.value)
            lo, hi = {"UInt16": (0, 65535), "UInt32": (0, 2 ** 32 - 1), "Int32": (-2 ** 31, 2 ** 31 - 1)}[parts[0]]
            if len(parts) == 3:
                lo, hi = int(parts[1]), int(parts[2])
            if not lo <= n <= hi:
                raise PsError(t.line, t.col, "%s: %d is out of range %d..%d" % (where, n, lo, hi))
        elif ptype == "Boolean":
            if it.kind != "bool":
                raise PsError(t.line, t.col, "%s takes $true or $false, not '%s'" % (where, it.value))
        elif ptype == "TimeSpan":
            if it.kind == "call" and it.value.lower() in ("timespan", "system.timespan"):
                continue
            if it.kind in ("str", "bare") and re.fullmatch(r"(\d+\.)?\d{1,2}:\d{1,2}(:\d{1,2})?", it.value):
                continue
            raise PsError(t.line, t.col, "%s: a TimeSpan ([TimeSpan]::FromSeconds(n) or \"hh:mm:ss\") expected, "
                                         "found '%s'" % (where, it.value if it.value is not None else it.kind))
        elif ptype == "ActionPreference" or "|" in ptype:
            allowed = ACTIONS if ptype == "ActionPreference" else {x.lower() for x in ptype.split("|")}
            if it.kind not in ("str", "bare") or it.value.lower() not in allowed:
                raise PsError(t.line, t.col, "%s: '%s' is not one of %s" % (where, it.value, ", ".join(sorted(allowed))))
        elif ptype == "String":
            if it.kind not in ("str", "bare", "num"):
                raise PsError(t.line, t.col, "%s takes a string, not %s" % (where, it.kind))
            if it.value == "":
                raise PsError(t.line, t.col, "%s: an empty string" % where)


def check_command(name, elems):
    cmd = canon(name.text)
    if cmd is None:
        raise PsError(name.line, name.col, "command '%s' is not one of the DnsServer cmdlets the export may use (%s)"
                      % (name.text, ", ".join(sorted(CMDLETS))))
    sets = CMDLETS[cmd]
    named, positional = [], []
    for p, v in elems:
        if p is None:
            positional.append(v)
            continue
        pname = p.text.rstrip(":")
        named.append((p, pname, v))
    # the sets that hold every named parameter
    cands = []
    for sname, s in sets.items():
        allp = dict(CIM, **COMMON)
        allp.update(s["params"])
        ok = True
        for p, pname, _ in named:
            key = next((k for k in allp if k.lower() == pname.lower()), None)
            if key is None and ALIASES.get(next((a for a in ALIASES if a.lower() == pname.lower()), ""), None) in allp:
                key = ALIASES[next(a for a in ALIASES if a.lower() == pname.lower())]
            if key is None:
                ok = False
                break
        if ok:
            cands.append(sname)
    if not cands:
        known = set(CIM) | set(COMMON)
        for s in sets.values():
            known |= set(s["params"])
        for p, pname, _ in named:
            if not any(k.lower() == pname.lower() for k in known) and pname not in ALIASES:
                raise PsError(p.line, p.col, "%s has no parameter -%s" % (cmd, pname))
        raise PsError(name.line, name.col, "%s: no parameter set holds all of -%s"
                      % (cmd, ", -".join(pn for _, pn, _ in named)))
    errors = []
    for sname in cands:
        try:
            bind(cmd, sets[sname], named, positional, name)
            return
        except PsError as e:
            errors.append(e)
    raise errors[0]


def bind(cmd, s, named, positional, name):
    allp = dict(CIM, **COMMON)
    allp.update(s["params"])
    given = {}
    for p, pname, v in named:
        key = next((k for k in allp if k.lower() == pname.lower()), None)
        if key is None:
            key = ALIASES[next(a for a in ALIASES if a.lower() == pname.lower())]
        if key in given:
            raise PsError(p.line, p.col, "%s: -%s given twice" % (cmd, key))
        ptype = allp[key]
        if ptype == "switch":
            if v is not None and not (v.kind == "bool"):
                raise PsError(p.line, p.col, "%s: the switch -%s takes no value" % (cmd, key))
            given[key] = v
            continue
        if v is None:
            # the value is the next positional argument
            if not positional or positional[0].tok.line < p.line or \
                    (positional[0].tok.line == p.line and positional[0].tok.col < p.col):
                raise PsError(p.line, p.col, "%s: -%s has no value" % (cmd, key))
            v = take_after(positional, p)
            if v is None:
                raise PsError(p.line, p.col, "%s: -%s has no value" % (cmd, key))
        check_value(cmd, key, ptype, v, p)
        given[key] = v
    for v in positional:
        free = [x for x in s["positions"] if x not in given]
        if not free:
            raise PsError(v.tok.line, v.tok.col, "%s: a positional argument '%s' that no parameter takes"
                          % (cmd, v.value if v.value is not None else v.kind))
        check_value(cmd, free[0], allp[free[0]], v, v.tok)
        given[free[0]] = v
    missing = [m for m in s["mandatory"] if m not in given]
    if missing:
        raise PsError(name.line, name.col, "%s: the mandatory parameter(s) -%s missing"
                      % (cmd, ", -".join(sorted(missing))))


def take_after(positional, p):
    """The first positional value that follows parameter token p (removed from the list)."""
    for k, v in enumerate(positional):
        if (v.tok.line, v.tok.col) > (p.line, p.col):
            return positional.pop(k)
    return None


def check_script(text):
    # Values come in order: a parameter's value is the element right after it.
    p = Parser(text).script()
    for var, v in p.assigns:
        if var.text.lower() == "erroractionpreference":
            check_value("$ErrorActionPreference", "=", "ActionPreference", v, var)
    for name, elems in p.commands:
        # pair each parameter with the element that follows it
        paired = []
        k = 0
        while k < len(elems):
            pt, v = elems[k]
            if pt is not None and v is None and k + 1 < len(elems) and elems[k + 1][0] is None:
                cmd = canon(name.text)
                ptype = None
                if cmd:
                    for s in CMDLETS[cmd].values():
                        for pn, ty in list(s["params"].items()) + list(CIM.items()) + list(COMMON.items()):
                            if pn.lower() == pt.text.lower():
                                ptype = ty
                if ptype != "switch":
                    paired.append((pt, elems[k + 1][1]))
                    k += 2
                    continue
            paired.append((pt, v))
            k += 1
        check_command(name, paired)
    return len(p.commands)


def main(argv):
    files = argv[1:]
    if not files or any(f.startswith("-") for f in files):
        print("usage: ps_check.py SCRIPT...", file=sys.stderr)
        return 2
    return run_files(files, lambda f, text: check_script(text), "commands")

if __name__ == "__main__":
    sys.exit(main(sys.argv))
