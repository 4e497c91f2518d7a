// Command pkgtime packages one directory with the packager directly and
// prints the wall time, for comparing deflate levels and worker counts
// without a manifest: pkgtime -level 6 -workers 2 -cache DIR DIR.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/fcdeploy/fcdeploy/packager"
)

func main() {
	level := flag.Int("level", 0, "deflate level (0: the packager's default)")
	workers := flag.Int("workers", 0, "compression workers (0: GOMAXPROCS)")
	cache := flag.String("cache", "", "cache directory (empty: none)")
	out := flag.String("out", "", "write the zip here")
	profile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pkgtime [flags] DIR")
		os.Exit(2)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pkgtime:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	p := packager.New(packager.Options{Level: *level, Concurrency: *workers, CacheDir: *cache, MaxSize: 1 << 40})
	a, err := p.PackageDir(context.Background(), flag.Arg(0), packager.DirOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pkgtime:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	if *out != "" {
		if err := a.SaveAs(*out); err != nil {
			fmt.Fprintln(os.Stderr, "pkgtime:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("%.3fs size=%d files=%d cached=%v checksum=%s\n", time.Since(start).Seconds(), a.Size, a.Files, a.Cached, a.Checksum)
}
