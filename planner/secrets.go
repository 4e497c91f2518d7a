package planner

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/crypto/scrypt"
)

// digestPrefix starts a digested sensitive value in a plan file; the
// parameters are in it so that a later version can raise them and still
// tell an old digest from a changed secret.
const digestPrefix = "scrypt-n16384-r8-p1:"

// SensitivePlaceholder stands for a sensitive value in plan output that is
// not a plan file (plan --format json): no derivative of the value at all.
const SensitivePlaceholder = "(sensitive)"

// NewSalt returns a fresh random salt for one plan's secret digests.
func NewSalt() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a fixed salt
		// would quietly weaken every plan.
		panic(fmt.Sprintf("planner: no randomness for a salt: %v", err))
	}
	return hex.EncodeToString(b)
}

// digests caches SecretDigest: the same secret is digested for the
// fingerprint, the plan file and FillSecrets, and each costs tens of
// milliseconds and 16 MiB by design. It lives in memory only.
var digests sync.Map // salt + "\x00" + value -> digest

// SecretDigest is how a sensitive value is written in a plan file: scrypt
// of the value with the plan's salt. The salt is per plan, so one table of
// guesses serves for one plan only, and scrypt is memory-hard, so each
// guess at a weak password costs what it costs here (a bare hash costs
// nanoseconds on a GPU).
func SecretDigest(salt, value string) string {
	key := salt + "\x00" + value
	if d, ok := digests.Load(key); ok {
		return d.(string)
	}
	sum, err := scrypt.Key([]byte(value), []byte("fcdeploy plan secret\x00"+salt), 1<<14, 8, 1, 32)
	if err != nil {
		panic(fmt.Sprintf("planner: scrypt parameters: %v", err)) // constant parameters: a bug
	}
	d := digestPrefix + hex.EncodeToString(sum)
	digests.Store(key, d)
	return d
}

// warmDigests computes the digests of values under salt on every core, so
// that a project with many secrets pays for them once and in parallel;
// SecretDigest then finds them cached.
func warmDigests(salt string, values []string) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(values)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range work {
				SecretDigest(salt, v)
			}
		}()
	}
	for _, v := range values {
		work <- v
	}
	close(work)
	wg.Wait()
}
