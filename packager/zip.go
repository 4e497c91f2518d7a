package packager

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// FormatVersion changes whenever the bytes produced for the same tree
// change; it is part of the cache key.
const FormatVersion = "2"

// Fixed header values of every entry (see doc.go).
const (
	dosDate1980    = 1<<5 | 1  // 1980-01-01: year 0 since 1980, month 1, day 1
	creatorUnix20  = 3<<8 | 20 // made by: Unix, zip spec 2.0
	readerVersion  = 20        // needed to extract: 2.0 (deflate)
	flagUTF8       = 0x800     // the name is UTF-8
	sIFREG         = 0o100000  // regular file type bits of st_mode
	sampleSize     = 128 << 10 // bytes deflated to judge compressibility
	sampleFrom     = 4 * sampleSize
	sampleMinRatio = 0.98 // a sample shrinking less than this is stored
)

// normMode is the only information kept from a file's mode: executable or not.
func normMode(m fs.FileMode) uint32 {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// member is one compressed entry waiting to be written in order.
type member struct {
	hdr  zip.FileHeader
	data []byte
	bufs [2][]byte // the read and deflate buffers, recycled once written
	err  error
	done chan struct{}
}

// buffers recycles read and deflate buffers between files: fresh large
// allocations cost more in page faults and zeroing than the deflate of
// small files.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

func getBuf(n int) []byte {
	b := *(buffers.Get().(*[]byte))
	if cap(b) < n {
		return make([]byte, 0, n)
	}
	return b[:0]
}

func putBuf(b []byte) {
	if cap(b) == 0 || cap(b) > 64<<20 {
		return
	}
	buffers.Put(&b)
}

// flateWriters recycles compressors across zips, per level: a flate
// writer holds about 1 MB of tables, so a new one per worker per zip made a
// project of thousands of small functions cost hundreds of MB of RSS.
var flateWriters sync.Map // level -> *sync.Pool of *flate.Writer

func flatePool(level int) *sync.Pool {
	if p, ok := flateWriters.Load(level); ok {
		return p.(*sync.Pool)
	}
	p, _ := flateWriters.LoadOrStore(level, &sync.Pool{New: func() any {
		fw, err := flate.NewWriter(io.Discard, level)
		if err != nil {
			panic(fmt.Sprintf("packager: deflate level %d: %v", level, err)) // buildZip checks the level first
		}
		return fw
	}})
	return p.(*sync.Pool)
}

func getFlate(level int) *flate.Writer     { return flatePool(level).Get().(*flate.Writer) }
func putFlate(level int, fw *flate.Writer) { fw.Reset(io.Discard); flatePool(level).Put(fw) }

// buildZip reads and compresses the tree's files on workers goroutines and
// writes them in sorted order. It stops early once the zip exceeds limit.
func buildZip(ctx context.Context, t *tree, level, workers int, limit int64) ([]byte, error) {
	if level < flate.HuffmanOnly || level > flate.BestCompression {
		return nil, fmt.Errorf("code directory %s: deflate level %d is not between %d and %d", t.dir, level, flate.HuffmanOnly, flate.BestCompression)
	}
	ctx, cancel := context.WithCancel(ctx)
	workers = max(workers, 1)
	members := make([]member, len(t.entries))
	for i := range members {
		members[i].done = make(chan struct{})
	}
	// window bounds how far workers run ahead of the writer, and so memory.
	window := make(chan struct{}, 4*workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fw := getFlate(level)
			defer putFlate(level, fw)
			for {
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(members) {
					<-window
					return
				}
				m := &members[i]
				m.hdr, m.data, m.bufs, m.err = compressEntry(t.entries[i], fw, limit)
				if errors.Is(m.err, errFileTooLarge) {
					m.err = &TooLargeError{Source: t.dir, File: t.entries[i].name, Size: t.entries[i].size, Limit: limit}
				} else if m.err != nil {
					m.err = fmt.Errorf("code directory %s: %s: %w", t.dir, t.entries[i].name, m.err)
				}
				close(m.done)
			}
		}()
	}
	// Cancel before waiting: on an early return, workers blocked on the
	// window must be released.
	defer func() { cancel(); wg.Wait() }()

	// Pre-size the output: about half the input, never much over the limit.
	var total int64
	for _, e := range t.entries {
		total += e.size
	}
	// The zip is built in a recycled buffer and copied out at its exact
	// size: a buffer sized by guess and kept by the Archive held 64 KiB or
	// more per tiny function, for every function of the run.
	out := bytes.NewBuffer(getBuf(int(min(total/2+1<<16, limit+1<<16))))
	defer func() { putBuf(out.Bytes()) }()
	zw := zip.NewWriter(out)
	for i := range members {
		m := &members[i]
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("code directory %s: %w", t.dir, err)
		}
		select {
		case <-m.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("code directory %s: %w", t.dir, ctx.Err())
		}
		if m.err != nil {
			return nil, m.err
		}
		w, err := zw.CreateRaw(&m.hdr)
		if err == nil {
			_, err = w.Write(m.data)
		}
		if err != nil {
			return nil, fmt.Errorf("code directory %s: writing zip: %w", t.dir, err)
		}
		m.data = nil
		putBuf(m.bufs[0])
		putBuf(m.bufs[1])
		m.bufs = [2][]byte{}
		<-window
		// Over the limit with members still to come: stop early. After the
		// last member, the check below reports the zip's exact size.
		if i < len(members)-1 && int64(out.Len()) > limit {
			return nil, &TooLargeError{Source: t.dir, Size: int64(out.Len()), Limit: limit, Partial: true}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("code directory %s: writing zip: %w", t.dir, err)
	}
	if int64(out.Len()) > limit {
		return nil, &TooLargeError{Source: t.dir, Size: int64(out.Len()), Limit: limit}
	}
	return bytes.Clone(out.Bytes()), nil
}

// errFileTooLarge is a single file whose deflated form exceeds the limit.
var errFileTooLarge = errors.New("file too large")

// compressEntry reads one file and returns its header and raw member data.
// Files bigger than limit are streamed so memory stays bounded by limit.
func compressEntry(e entry, fw *flate.Writer, limit int64) (zip.FileHeader, []byte, [2][]byte, error) {
	var bufs [2][]byte
	h := header(e)
	if e.size > limit {
		body, crc, n, err := deflateStream(e.real, fw, limit)
		if err != nil {
			return h, nil, bufs, err
		}
		h.Method, h.CRC32, h.UncompressedSize64, h.CompressedSize64 = zip.Deflate, crc, uint64(n), uint64(len(body))
		bufs[1] = body
		return h, body, bufs, nil
	}
	data, err := readRegular(e.real, getBuf(int(e.size)+1))
	if err != nil {
		return zip.FileHeader{}, nil, bufs, err
	}
	bufs[0] = data
	h.CRC32 = crc32.ChecksumIEEE(data)
	h.UncompressedSize64 = uint64(len(data))
	body, deflated, err := deflate(data, fw)
	if err != nil {
		return h, nil, bufs, err
	}
	if deflated {
		h.Method = zip.Deflate
		bufs[1] = body
	}
	h.CompressedSize64 = uint64(len(body))
	return h, body, bufs, nil
}

// header is the fixed part of an entry's header.
func header(e entry) zip.FileHeader {
	h := zip.FileHeader{
		Name:           e.name,
		CreatorVersion: creatorUnix20,
		ReaderVersion:  readerVersion,
		Method:         zip.Store,
		ModifiedDate:   dosDate1980,
		ModifiedTime:   0,
		ExternalAttrs:  (sIFREG | normMode(e.mode)) << 16,
	}
	if !isASCII(e.name) && utf8.ValidString(e.name) {
		h.Flags |= flagUTF8
	}
	return h
}

// deflate compresses data, returning it as is (deflated false) when
// deflate does not make it smaller. Files of sampleFrom bytes or more are
// flushed after their first sampleSize bytes: if that much shrank by less
// than 2% the file is taken as incompressible (media, archives, random
// data) and stored without spending a full deflate pass on it. The flush
// point depends only on the size, so the bytes stay deterministic.
func deflate(data []byte, fw *flate.Writer) ([]byte, bool, error) {
	if len(data) == 0 {
		return data, false, nil
	}
	buf := bytes.NewBuffer(getBuf(len(data)/2 + 64))
	fw.Reset(buf)
	rest := data
	if len(data) >= sampleFrom {
		if _, err := fw.Write(data[:sampleSize]); err != nil {
			return nil, false, err
		}
		if err := fw.Flush(); err != nil {
			return nil, false, err
		}
		if float64(buf.Len()) >= sampleMinRatio*sampleSize {
			return data, false, nil
		}
		rest = data[sampleSize:]
	}
	// The same chunking as deflateStream, so a file gives the same bytes
	// whichever path it takes.
	for len(rest) > 0 {
		n := min(len(rest), streamChunk)
		if _, err := fw.Write(rest[:n]); err != nil {
			return nil, false, err
		}
		rest = rest[n:]
	}
	if err := fw.Close(); err != nil {
		return nil, false, err
	}
	if buf.Len() >= len(data) {
		return data, false, nil
	}
	return buf.Bytes(), true, nil
}

// streamChunk is the size of the writes into the compressor.
const streamChunk = 1 << 20

// deflateStream compresses a file bigger than limit without holding it in
// memory, with the same writes as deflate. A file that would be stored, or
// whose deflated form exceeds limit, is errFileTooLarge.
func deflateStream(path string, fw *flate.Writer, limit int64) (body []byte, crc uint32, n int64, err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, 0, 0, fmt.Errorf("is no longer a regular file")
	}
	out := bytes.NewBuffer(getBuf(int(min(limit, 64<<20))))
	fw.Reset(out)
	h := crc32.NewIEEE()
	chunk := make([]byte, streamChunk)
	// Sample (and so flush) only files deflate samples too: a flush
	// anywhere else changes the bytes.
	first := fi.Size() >= sampleFrom
	for {
		size := streamChunk
		if first {
			size = sampleSize
		}
		m, rerr := io.ReadFull(f, chunk[:size])
		h.Write(chunk[:m])
		n += int64(m)
		if _, err := fw.Write(chunk[:m]); err != nil {
			return nil, 0, 0, err
		}
		if first && m == sampleSize {
			if err := fw.Flush(); err != nil {
				return nil, 0, 0, err
			}
			if float64(out.Len()) >= sampleMinRatio*sampleSize {
				return nil, 0, 0, errFileTooLarge // it would be stored, and it is over the limit
			}
		}
		first = false
		if int64(out.Len()) > limit {
			return nil, 0, 0, errFileTooLarge
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, 0, 0, rerr
		}
	}
	if err := fw.Close(); err != nil {
		return nil, 0, 0, err
	}
	if int64(out.Len()) > limit || int64(out.Len()) >= n {
		return nil, 0, 0, errFileTooLarge
	}
	return out.Bytes(), h.Sum32(), n, nil
}

// readRegular reads a whole file into buf, refusing anything that is not a
// regular file by the time it is opened (see openFlags).
func readRegular(path string, buf []byte) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("is no longer a regular file")
	}
	if int64(cap(buf)) < fi.Size()+1 {
		buf = make([]byte, 0, fi.Size()+1)
	}
	buf = buf[:0]
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// TooLargeError is a zip bigger than Function Compute accepts inline.
type TooLargeError struct {
	Source string
	// File is set when one file alone is too big: its path inside Source
	// and, in Size, its uncompressed size.
	File    string
	Size    int64
	Limit   int64
	Partial bool // packaging stopped early: the full zip is bigger still
}

func (e *TooLargeError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("code %s: %s (%s) alone compresses to more than the %s Function Compute accepts inline; upload the code to OSS and set `code: oss://bucket/object`, or ignore the file in %s",
			e.Source, e.File, HumanSize(e.Size), HumanSize(e.Limit), IgnoreFile)
	}
	more := ""
	if e.Partial {
		more = "at least "
	}
	return fmt.Sprintf("code %s: the zip is %s%s, over the %s Function Compute accepts inline; upload it to OSS and set `code: oss://bucket/object`, or ignore files in %s",
		e.Source, more, HumanSize(e.Size), HumanSize(e.Limit), IgnoreFile)
}

// HumanSize writes a byte count for people: 512 B, 3.1 KiB, 42.0 MiB.
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}
