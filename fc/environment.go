package fc

import (
	"fmt"
	"sort"
	"strings"
)

// MaxEnvironmentBytes is the total size of a function's environment
// variables, names and values, that Function Compute accepts (4 KB).
const MaxEnvironmentBytes = 4 << 10

// ValidateEnvironmentVariables checks a function's environment variables as
// Function Compute does: names start with a letter and hold letters, digits
// and '_', the FC_ prefix is the platform's, and names and values together
// stay within MaxEnvironmentBytes. Values never appear in the error: they
// may be secrets.
func ValidateEnvironmentVariables(env map[string]string) error {
	names := make([]string, 0, len(env))
	total := 0
	for k, v := range env {
		names = append(names, k)
		total += len(k) + len(v)
	}
	sort.Strings(names)
	for _, k := range names {
		if !validEnvName(k) {
			return fmt.Errorf("environment variable name %q is invalid: it must start with a letter and hold only letters, digits and '_'", k)
		}
		if strings.HasPrefix(strings.ToUpper(k), "FC_") {
			return fmt.Errorf("environment variable %s is reserved: names starting with FC_ belong to Function Compute", k)
		}
	}
	if total > MaxEnvironmentBytes {
		return fmt.Errorf("environment variables take %d bytes (names and values), more than the %d Function Compute allows", total, MaxEnvironmentBytes)
	}
	return nil
}

func validEnvName(k string) bool {
	if k == "" {
		return false
	}
	for i, c := range k {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !(letter || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}
