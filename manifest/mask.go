package manifest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// maskedPart is the shortest run of a secret's characters masked wherever
// it appears in a message: a message must not carry any recognisable part
// of a secret, truncated or not.
const maskedPart = 8

// secretMask removes values that came from the process environment from
// messages. Messages quote values in several ways (as written, truncated,
// %q- or JSON-escaped), so it looks for every part of every form of each
// value rather than for the exact value only.
type secretMask struct {
	forms []string // each secret as written and as escaped by the quoting functions
	exact []string // secrets too short for part matching: masked only whole
}

// add records a value read from the environment.
func (m *secretMask) add(v string) {
	if len(v) < minMaskedLength {
		return
	}
	if len(v) < maskedPart {
		m.exact = append(m.exact, v)
		return
	}
	js, _ := json.Marshal(v)
	for _, f := range []string{v, unquote(strconv.Quote(v)), unquote(strconv.QuoteToASCII(v)), unquote(string(js))} {
		if len(f) >= maskedPart {
			m.forms = append(m.forms, f)
		}
	}
}

func unquote(q string) string { return q[1 : len(q)-1] }

// apply masks every run of maskedPart or more bytes of msg that is part of
// a recorded form, and every whole short secret.
func (m *secretMask) apply(msg string) string {
	if len(m.forms) == 0 && len(m.exact) == 0 {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		n := 0
		for _, f := range m.forms {
			n = max(n, longestPrefixIn(msg[i:], f))
		}
		if n >= maskedPart {
			b.WriteString("***")
			i += n
			continue
		}
		b.WriteByte(msg[i])
		i++
	}
	out := b.String()
	for _, v := range m.exact {
		out = strings.ReplaceAll(out, v, "***")
	}
	return out
}

// longestPrefixIn is the length of the longest prefix of s that occurs in
// f, or 0 when even the first maskedPart bytes do not.
func longestPrefixIn(s, f string) int {
	if len(s) < maskedPart || !strings.Contains(f, s[:maskedPart]) {
		return 0
	}
	lo, hi := maskedPart, min(len(s), len(f))
	// Containment of a prefix is monotonic in its length: binary search.
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if strings.Contains(f, s[:mid]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Redact masks in msg every part of every value the project read from the
// process environment, as manifest messages are masked: for messages made
// after loading (packaging, planning) that may quote such a value, e.g. a
// code path.
func (p *Project) Redact(msg string) string {
	if p == nil || p.mask == nil {
		return msg
	}
	return p.mask.apply(msg)
}
