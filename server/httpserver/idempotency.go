package httpserver

import (
	"context"
	"time"

	"casegate/server/store"
)

// freeKey releases the idempotency key of a request that committed
// nothing, so the client's retry runs. If the database cannot be reached
// (it is what failed the request), it keeps trying in the background until
// it can, rather than leave the key held until it goes stale (found by
// stopping PostgreSQL during commits).
func (s *Server) freeKey(ctx context.Context, domain, key string) {
	ctx = context.WithoutCancel(ctx)
	if s.Store.AbandonIdempotent(ctx, domain, key) == nil {
		return
	}
	go func() {
		deadline := time.Now().Add(store.StaleRequest)
		for time.Now().Before(deadline) {
			time.Sleep(time.Second)
			if s.Store.AbandonIdempotent(ctx, domain, key) == nil {
				return
			}
		}
	}()
}
