package postgres_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

// writers is the number of concurrent writers of BenchmarkWriters16.
const writers = 16

// benchData is the referral-sized document (about 2 KB of JSON) that
// plugintest.BenchmarkStore writes, for the raw pgx inserts to compare with.
var benchData = plugintest.BenchWrite("").Document.Data

// BenchmarkStore measures Get and Create in process with the shared
// plugintest benchmark (each create one durable commit).
func BenchmarkStore(b *testing.B) {
	plugintest.BenchmarkStore(b, func(b *testing.B) plugins.Store { return openStore(b) })
}

// rawPool opens a plain pgx pool on schema with a table raw(id, data), the
// least PostgreSQL work that stores the same JSON: the ceiling the store's
// numbers are read against.
func rawPool(b *testing.B, schema string, conns int) *pgxpool.Pool {
	b.Helper()
	u := withParam(b, withParam(b, dbURL(b), "search_path", schema), "pool_max_conns", fmt.Sprint(conns))
	pool, err := pgxpool.New(context.Background(), u)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	_, err = pool.Exec(context.Background(), "CREATE SCHEMA IF NOT EXISTS "+schema+"; SET search_path TO "+schema+
		"; CREATE TABLE raw (id text PRIMARY KEY, data jsonb NOT NULL)")
	require.NoError(b, err)
	return pool
}

// BenchmarkRaw is the ceiling of BenchmarkStore: a raw pgx INSERT of the
// same JSON into a plain table, and a SELECT of it by primary key.
func BenchmarkRaw(b *testing.B) {
	ctx := context.Background()
	b.Run("Get", func(b *testing.B) {
		pool := rawPool(b, freshSchema(b), 4)
		const docs = 1000
		for i := range docs {
			_, err := pool.Exec(ctx, "INSERT INTO raw (id, data) VALUES ($1, $2)", fmt.Sprintf("bench-%08d", i), []byte(benchData))
			require.NoError(b, err)
		}
		b.ReportAllocs()
		i := 0
		var data []byte
		for b.Loop() {
			if err := pool.QueryRow(ctx, "SELECT data FROM raw WHERE id = $1", fmt.Sprintf("bench-%08d", i%docs)).Scan(&data); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Insert", func(b *testing.B) {
		pool := rawPool(b, freshSchema(b), 4)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := pool.Exec(ctx, "INSERT INTO raw (id, data) VALUES ($1, $2)", fmt.Sprintf("bench-%08d", i), []byte(benchData)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "creates/s")
	})
}

// BenchmarkWriters16 measures creates per second from 16 concurrent
// writers (16 goroutines, a pool of 16 connections): the store's Create
// (document, event and outbox message in one commit) beside a raw pgx
// INSERT of the same JSON into a plain table, in the same run.
func BenchmarkWriters16(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, create func(id string) error) {
		var n atomic.Int64
		var goroutines atomic.Int64
		b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.ReportAllocs()
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			goroutines.Add(1)
			for pb.Next() {
				if err := create(fmt.Sprintf("w-%09d", n.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "creates/s")
		b.ReportMetric(float64(goroutines.Load()), "writers")
	}
	b.Run("store", func(b *testing.B) {
		s := openIn(b, freshSchema(b), "pool_max_conns", fmt.Sprint(writers))
		run(b, func(id string) error {
			_, err := s.Create(ctx, plugintest.BenchWrite(id))
			return err
		})
	})
	b.Run("raw_insert", func(b *testing.B) {
		pool := rawPool(b, freshSchema(b), writers)
		run(b, func(id string) error {
			_, err := pool.Exec(ctx, "INSERT INTO raw (id, data) VALUES ($1, $2)", id, []byte(benchData))
			return err
		})
	})
}
