// Package packager turns a function's code into the zip Function Compute
// receives: deterministic archives of code directories, checked pre-built
// .zip/.jar files, their codeChecksum, size limits, a per-run memo so a
// directory shared by several functions is zipped once, an on-disk cache
// across runs, and the artifacts.json record that promotion reads.
//
// Archive format (format version 2), chosen so the same tree gives the same
// bytes on any machine, after touch, chmod of non-executable bits, a fresh
// clone or another umask:
//   - one entry per regular file, sorted by slash-separated path (byte order);
//     no directory entries at all, so empty directories are not shipped;
//   - DOS time 1980-01-01 00:00:00 and no extra fields (no extended
//     timestamps, no uid/gid), no comments, creator "Unix, 2.0";
//   - Unix mode 0755 if any execute bit is set, otherwise 0644;
//   - Deflate at DefaultLevel, written in fixed 1 MiB chunks, or Store when
//     deflate does not make the file smaller (files of 512 KiB or more are
//     judged on their first 128 KiB, flushed); the choice depends only on
//     the content, never on the worker count or the size limit.
//
// The deflate stream comes from github.com/klauspost/compress/flate (format
// version 2; version 1 used Go's compress/flate at level 5): at level 6 it
// gives zips slightly smaller than Info-ZIP's default for about 40% of the
// CPU of Go's level 5 (docs/benchmarks.md). It is pure Go with no
// CPU-dependent code paths and its output does not depend on how writes
// are split, so the bytes are identical on every machine for the same
// module version. go.mod pins that version; TestArchiveHashIsPinned fails
// if an upgrade (of it or of the Go toolchain) changes the bytes, and
// FormatVersion (part of the cache key) must then be bumped.
//
// Memory stays within a small multiple of the size limit: files are
// compressed on all cores a few at a time and written in order, the zip
// stops growing once it passes the limit, and a single file bigger than the
// limit is streamed.
//
// Symlinks resolving inside the code directory are archived as the content
// they point to (FC's unzip handles plain files everywhere); symlinks that
// escape it, dangle or loop, special files (sockets, devices, fifos) and
// names that are not valid UTF-8 or contain a backslash are refused, naming
// the path. `.fcignore` at the root of the code directory has gitignore
// semantics (only the root file is read); VCS folders, `.fcdeploy` and
// `.fcignore` itself are never shipped, and editor/OS junk is ignored
// unless a `!` pattern brings it back.
//
// The packager is an engine package: it never prints and never imports the
// CLI; it returns values and typed errors (*PathError, *HandlerError,
// *TooLargeError, ErrEmpty) for callers to present. It does not talk to
// Function Compute or OSS: `oss://` code is the caller's to pass through.
package packager
