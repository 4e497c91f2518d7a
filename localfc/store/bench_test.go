package store

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// BenchmarkConcurrentUpdateFunction measures durable (fsynced) writes per
// second from 32 concurrent writers updating functions of one service,
// the load an `fcdeploy apply` with high parallelism puts on `serve`.
//
//	go test ./localfc/store -run '^$' -bench ConcurrentUpdateFunction -benchtime 3s
func BenchmarkConcurrentUpdateFunction(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	mustService(b, s, "shop")
	const functions = 8
	for i := range functions {
		mustFunction(b, s, "shop", "f"+strconv.Itoa(i), "code")
	}
	const writers = 32
	b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := s.UpdateFunction(ctx, acct, "shop", "f"+strconv.Itoa(int(i%functions)), fc.FunctionInput{
				Description: ptr(strconv.FormatInt(i, 10)),
			}, nil, "")
			require.NoError(b, err)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkSequentialUpdateFunction is the single-writer latency that the
// batch delay adds to: one caller, one fsync per write.
func BenchmarkSequentialUpdateFunction(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	mustService(b, s, "shop")
	mustFunction(b, s, "shop", "f", "code")
	b.ResetTimer()
	for i := range b.N {
		_, err := s.UpdateFunction(ctx, acct, "shop", "f", fc.FunctionInput{Description: ptr(strconv.Itoa(i))}, nil, "")
		require.NoError(b, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
