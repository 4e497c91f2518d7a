// Command recheck runs mutants of one package and reports which its tests
// kill.
//
// It is the part of bench/mutation/run.sh that runs tests: gremlins lists
// the mutants (`gremlins unleash --dry-run --output FILE.json`) and recheck
// applies each of them the way gremlins would (the same token swap at the
// same line and column) to a copy of the module, builds the package (a
// mutant that does not compile is NOT VIABLE), runs its tests, and prints
// one line per mutant and a summary.
//
// gremlins v0.6.0 runs mutants itself, but not soundly here: its
// --test-cpu flag reaches `go test` as the single argument "-cpu N", which
// fails every run at setup, so every mutant counted as killed; its timeout
// is a multiple of the coverage run, which build time under load can
// exceed; and `go test`'s vet checks count as kills. It also only runs
// mutants inside a block of the coverage profile, and Go's coverage has no
// block for the expression of a `case` clause nor for some operands of a
// multi-line expression, so many it calls NOT COVERED are under test.
//
//	go run ./bench/mutation/recheck -report bench/mutation/out/fc.json -pkg fc [-workers 2]
//
// tests every mutant of the report. With -not-covered, only those the
// report calls NOT COVERED (a report of a full gremlins run). With
// -workers N, N copies of the module test mutants at once; the lines still
// come out in the report's order.
//
// With -lived FILE[,FILE...] it tests instead the survivors listed in
// those files (an earlier recheck's output: lines "LIVED MUTATOR at
// FILE:LINE:COL"), to check that new tests kill them:
//
//	go run ./bench/mutation/recheck -pkg fc -lived bench/mutation/out/fc.recheck
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// report is the part of gremlins' JSON output that recheck reads.
type report struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// swaps are gremlins' token mutations, by mutator name.
var swaps = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE":       {token.ADD: token.SUB, token.MUL: token.QUO, token.QUO: token.MUL, token.REM: token.MUL, token.SUB: token.ADD},
	"CONDITIONALS_BOUNDARY": {token.GEQ: token.GTR, token.GTR: token.GEQ, token.LEQ: token.LSS, token.LSS: token.LEQ},
	"CONDITIONALS_NEGATION": {token.EQL: token.NEQ, token.GEQ: token.LSS, token.GTR: token.LEQ, token.LEQ: token.GTR, token.LSS: token.GEQ, token.NEQ: token.EQL},
	"INCREMENT_DECREMENT":   {token.DEC: token.INC, token.INC: token.DEC},
	"INVERT_LOGICAL":        {token.LAND: token.LOR, token.LOR: token.LAND},
	"INVERT_NEGATIVES":      {token.SUB: token.ADD},
}

func main() {
	reportPath := flag.String("report", "", "gremlins JSON report (--output) of one package")
	pkg := flag.String("pkg", "", "the package's directory, relative to the module root")
	timeout := flag.Duration("timeout", time.Minute, "longest test run of one mutant, build included")
	workers := flag.Int("workers", 1, "mutants tested at once, each in its own copy of the module")
	lived := flag.String("lived", "", "comma-separated files whose LIVED lines are the mutants to test, instead of -report's")
	notCovered := flag.Bool("not-covered", false, "test only the mutants the report calls NOT COVERED")
	flag.Parse()
	if (*reportPath == "") == (*lived == "") || *pkg == "" {
		fmt.Fprintln(os.Stderr, "usage: recheck -pkg DIR (-report FILE.json | -lived FILE[,FILE...]) [-workers N]")
		os.Exit(2)
	}
	var todo []*mutant
	var err error
	if *lived != "" {
		todo, err = readLived(strings.Split(*lived, ","))
	} else {
		todo, err = readReport(*reportPath, *notCovered)
	}
	if err == nil {
		err = run(dedupe(todo), *pkg, *timeout, max(*workers, 1))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "recheck:", err)
		os.Exit(1)
	}
}

// mutant is one mutation of the report, and what its test run made of it.
type mutant struct {
	file, typ    string
	line, column int
	status       string
}

// readReport lists the mutants of gremlins' JSON report, or only those it
// calls NOT COVERED.
func readReport(path string, notCovered bool) ([]*mutant, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var todo []*mutant
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			if !notCovered || m.Status == "NOT COVERED" {
				todo = append(todo, &mutant{file: filepath.Base(f.FileName), typ: m.Type, line: m.Line, column: m.Column})
			}
		}
	}
	return todo, nil
}

// dedupe drops the INVERT_NEGATIVES mutants that gremlins lists at the
// position of an ARITHMETIC_BASE one: v0.6.0 lists INVERT_NEGATIVES at
// binary minus signs too, and both turn that `-` into `+`, so counting
// both would count one mutant twice.
func dedupe(todo []*mutant) []*mutant {
	type at struct {
		file         string
		line, column int
	}
	arithmetic := map[at]bool{}
	for _, m := range todo {
		if m.typ == "ARITHMETIC_BASE" {
			arithmetic[at{m.file, m.line, m.column}] = true
		}
	}
	return slices.DeleteFunc(todo, func(m *mutant) bool {
		return m.typ == "INVERT_NEGATIVES" && arithmetic[at{m.file, m.line, m.column}]
	})
}

var livedLine = regexp.MustCompile(`LIVED ([A-Z_]+) at ([^ :]+\.go):(\d+):(\d+)`)

// readLived lists the survivors named in gremlins' logs or recheck's output.
func readLived(paths []string) ([]*mutant, error) {
	var todo []*mutant
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		for _, m := range livedLine.FindAllStringSubmatch(string(data), -1) {
			line, _ := strconv.Atoi(m[3])
			col, _ := strconv.Atoi(m[4])
			todo = append(todo, &mutant{file: filepath.Base(m[2]), typ: m[1], line: line, column: col})
		}
	}
	return todo, nil
}

func run(todo []*mutant, pkg string, timeout time.Duration, workers int) error {
	workers = min(workers, max(len(todo), 1))
	// Each worker mutates its own copy of the module, one file at a time.
	copies := make([]string, workers)
	for i := range copies {
		work, err := os.MkdirTemp("", "fcdeploy-recheck-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(work)
		if err := copyModule(".", work); err != nil {
			return fmt.Errorf("copy the module: %w", err)
		}
		copies[i] = work
	}

	done := make([]chan struct{}, len(todo))
	for i := range done {
		done[i] = make(chan struct{})
	}
	next := make(chan int)
	var failed error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, work := range copies {
		wg.Go(func() {
			for i := range next {
				m := todo[i]
				status, err := check(work, pkg, m, timeout)
				if status == "TIMED OUT" && err == nil {
					// A loaded machine can make a slow package miss
					// the limit without any loop: only a mutant that
					// also misses three times the limit counts as one.
					status, err = check(work, pkg, m, 3*timeout)
				}
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
				m.status = status
				close(done[i])
			}
		})
	}
	go func() {
		for i := range todo {
			next <- i
		}
		close(next)
	}()
	counts := map[string]int{}
	for i, m := range todo {
		<-done[i]
		counts[m.status]++
		fmt.Printf("%11s %s at %s:%d:%d\n", m.status, m.typ, m.file, m.line, m.column)
	}
	wg.Wait()
	if failed != nil {
		return failed
	}
	fmt.Printf("Rechecked: killed %d, lived %d, timed out %d, not viable %d\n",
		counts["KILLED"], counts["LIVED"], counts["TIMED OUT"], counts["NOT VIABLE"])
	return nil
}

// check plants m in the copy of the module at work, tests the package and
// puts the file back.
func check(work, pkg string, m *mutant, timeout time.Duration) (string, error) {
	path := filepath.Join(work, pkg, m.file)
	orig, err := os.ReadFile(path)
	if err != nil {
		return "ERROR", err
	}
	mutated, ok := mutate(orig, m.typ, m.line, m.column)
	if !ok {
		return "NOT VIABLE", nil
	}
	if err := os.WriteFile(path, mutated, 0o644); err != nil {
		return "ERROR", err
	}
	status := test(work, pkg, timeout)
	return status, os.WriteFile(path, orig, 0o644)
}

// mutate swaps the operator at line:col as mutator typ would; ok is false
// when there is no such operator there.
func mutate(src []byte, typ string, line, col int) ([]byte, bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("x.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			return nil, false
		}
		p := fset.Position(pos)
		if p.Line != line || p.Column != col {
			continue
		}
		to, ok := swaps[typ][tok]
		if !ok {
			return nil, false
		}
		off := p.Offset
		var b bytes.Buffer
		b.Write(src[:off])
		b.WriteString(to.String())
		b.Write(src[off+len(tok.String()):])
		return b.Bytes(), true
	}
}

// test runs the package's tests on the mutated copy. A mutant that does
// not compile fails `go test` too, with "[build failed]" on its FAIL line:
// telling it apart from the output saves a build of its own per mutant.
func test(work, pkg string, timeout time.Duration) string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// -vet=off: a vet complaint about the mutant is not a test that caught it.
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-failfast", "-vet=off", "-timeout", timeout.String(), "./"+pkg)
	cmd.Dir = work
	// A mutant that loops runs in the test binary, a child of go test:
	// killing go test alone would leave it spinning and holding the output
	// pipe open. The whole process group goes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	switch {
	case ctx.Err() != nil:
		return "TIMED OUT"
	case err != nil && buildFailed.Match(out):
		return "NOT VIABLE" // e.g. "-" between strings
	case err != nil:
		return "KILLED"
	}
	return "LIVED"
}

// buildFailed is the FAIL line of a package whose tests did not compile.
var buildFailed = regexp.MustCompile(`(?m)^FAIL\s+\S+ \[build failed\]$`)

// copyModule copies the module's Go sources and test data, without .git.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || d.Name() == "node_modules" || strings.HasPrefix(rel, filepath.Join("bench", "mutation", "out"))) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil // symlinks in test data are made by the tests themselves
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
}
