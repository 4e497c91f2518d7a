package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// canaries are secrets of the shapes that used to slip past masking:
// longer than the 40 characters messages truncate to, with quotes,
// backslashes, newlines, non-ASCII letters.
var canaries = map[string]string{
	"long":      "CANARYlong0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
	"quoted":    `CANARY"quoted"value"with"quotes`,
	"backslash": `CANARY\back\slash\value\\end`,
	"multiline": "CANARY-line-one\nline-two-of-it\nline-three",
	"unicode":   "CANARY-ünïcødé-秘密-пароль-🔑-value",
	"numeric":   "1234567890123456789012345678901234567890123",
}

// leakedPart returns a run of 8 or more bytes of secret found in s, or "".
func leakedPart(s, secret string) string {
	for i := 0; i+maskedPart <= len(secret); i++ {
		if part := secret[i : i+maskedPart]; strings.Contains(s, part) {
			return part
		}
	}
	return ""
}

func TestNoPartOfASecretAppearsInAnyDiagnosticWhateverItsShape(t *testing.T) {
	t.Parallel()
	fields := []string{"memorySize", "timeout", "handler", "runtime", "instanceConcurrency", "code", "caPort"}
	for shape, secret := range canaries {
		for _, field := range fields {
			t.Run(shape+"/"+field, func(t *testing.T) {
				t.Parallel()
				yaml := minimal
				for _, f := range []string{"handler", "runtime", "code"} {
					if f == field {
						yaml = strings.Replace(yaml, "        "+f+":", "        x"+f+":", 1)
					}
				}
				yaml = strings.Replace(yaml, "        x"+field+":", "        "+field+": ${env.SECRET}\n        y:", 1)
				if !strings.Contains(yaml, "${env.SECRET}") {
					yaml += "        " + field + ": ${env.SECRET}\n"
				}
				got := diagnostics(t, yaml, LoadOptions{LookupEnv: envOf(map[string]string{"SECRET": secret})})
				assert.NotEmpty(t, got, "the value is invalid for %s, so there is a message to check", field)
				all := strings.Join(got, "\n")
				assert.Empty(t, leakedPart(all, secret), "a part of the secret is in:\n%s", all)
			})
		}
	}
}

func TestAMaskedMessageStillSaysWhereTheValueCameFrom(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, minimal+"        memorySize: ${env.TOKEN}\n",
		LoadOptions{LookupEnv: envOf(map[string]string{"TOKEN": canaries["long"]})})
	assert.Equal(t, []string{
		`fcdeploy.yaml:10:21: services.svc.functions.fn.memorySize: must be a whole number, not "***" (from ${env.TOKEN})`,
	}, got)
}

func TestTheMaskFindsEscapedAndTruncatedCopies(t *testing.T) {
	t.Parallel()
	var m secretMask
	secret := "abc\"def\\ghi\njkl-mnopqrstuvwxyz"
	m.add(secret)
	for _, msg := range []string{
		`value "abc\"def\\ghi\njkl-mnopq…" is bad`, // %q of a truncated copy
		"value abc\"def\\ghi\njkl is bad",          // as written
		`value abc\u0022def is bad`,                // escaped otherwise: not a form we know, but short of 8 raw bytes
	} {
		assert.Empty(t, leakedPart(m.apply(msg), secret), msg)
	}
	assert.Equal(t, "the number 8080 is fine", m.apply("the number 8080 is fine"), "text that is no part of a secret is kept")
}

func TestAProjectRedactsTheValuesItReadFromTheEnvironment(t *testing.T) {
	t.Parallel()
	secret := canaries["quoted"]
	p := load(t, minimal+"        description: ${env.DESC}\n", LoadOptions{LookupEnv: envOf(map[string]string{"DESC": secret})})
	msg := p.Redact(`packaging: "` + secret[:20] + `" is bad, and so is ` + secret)
	assert.Empty(t, leakedPart(msg, secret), msg)
	assert.Contains(t, msg, "packaging: ", "the rest of the message stays")
	assert.Equal(t, "nothing secret", p.Redact("nothing secret"))
	var none *Project
	assert.Equal(t, "x", none.Redact("x"))
}
