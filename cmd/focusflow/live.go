package main

import (
	"context"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/live"
	"github.com/focusflow/focusflow/internal/metrics"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"github.com/focusflow/focusflow/internal/web"
	"github.com/redis/go-redis/v9"
)

// liveParts are the hub of event streams, the bus between instances and
// the scheduler that records phase ends on time.
type liveParts struct {
	hub       *live.Hub
	scheduler *live.Scheduler
	server    *web.Server // set once built: the scheduler publishes through it
	recheck   time.Duration
	ctx       context.Context
	stop      func()
}

// startLive wires live updates. On PostgreSQL, instances hear each other
// over LISTEN/NOTIFY on DATABASE_NOTIFY_URL; without one, over Redis
// pub/sub when RATELIMIT_STORAGE_URL is Redis, else over LISTEN on
// DATABASE_URL itself (which a transaction-mode pooler breaks: the bus
// then says so in the log and pages fall back to polling). SQLite is one
// instance: no bus.
func (a *app) startLive(db *sqlstore.DB, m *metrics.Metrics) *liveParts {
	lv := &liveParts{recheck: 30 * time.Second}
	var closers []func()
	bus := a.liveBus(db, &closers)
	if bus == nil {
		// Sign-outs by an admin command reach no hub: streams check their
		// session often enough to end within 5 s of one.
		lv.recheck = 4 * time.Second
	}
	lv.hub = live.New(live.Config{PerUser: a.cfg.EventsPerUser, PerInstance: a.cfg.EventsMaxStreams,
		Bus: bus, Logger: a.logger})
	lv.hub.Listen()
	lv.scheduler = live.NewScheduler(live.SchedulerConfig{Store: db, Logger: a.logger,
		Publish: func(userID int64, t *focusflow.Timer) {
			m.PhaseTransitions.Inc()
			if lv.server != nil {
				lv.server.PhaseEnded(userID, t)
			}
		},
		OnLag: func(d time.Duration) { m.PhaseLag.Observe(d.Seconds()) }})
	var cancel context.CancelFunc
	lv.ctx, cancel = context.WithCancel(context.Background())
	lv.stop = func() {
		cancel()
		lv.hub.Close()
		for _, c := range closers {
			c()
		}
	}
	return lv
}

// liveBus picks the bus between instances (nil on SQLite).
func (a *app) liveBus(db *sqlstore.DB, closers *[]func()) live.Bus {
	if _, sqlite := a.cfg.SQLitePath(); sqlite {
		return nil
	}
	notify := a.cfg.DatabaseNotifyURL
	if notify == "" {
		if opt, err := redisOptions(a.cfg.RateLimitStorageURL); err == nil && opt != nil {
			client := redis.NewClient(opt)
			*closers = append(*closers, func() { client.Close() })
			a.logger.Info("live updates between instances: Redis pub/sub")
			return live.NewRedisBus(client, a.logger)
		}
		notify = a.cfg.DatabaseURL
	}
	bus, err := live.NewPGBus(sqlstore.SourceURL(notify), a.logger)
	if err != nil {
		a.logger.Warn("live updates between instances are off: pages on other instances poll", "error", err)
		return nil
	}
	*closers = append(*closers, bus.Close)
	a.logger.Info("live updates between instances: PostgreSQL LISTEN/NOTIFY")
	return bus
}

// redisOptions parses a Redis storage URL; nil when it is not one.
func redisOptions(storage string) (*redis.Options, error) {
	if len(storage) < 8 || (storage[:8] != "redis://" && (len(storage) < 9 || storage[:9] != "rediss://")) {
		return nil, nil
	}
	return redis.ParseURL(storage)
}

// signOut tells every running instance that the sessions of userID (every
// user's: 0) ended, so that their event streams end at once: on
// PostgreSQL through NOTIFY, and through Redis when instances listen
// there. On SQLite the streams notice by themselves within seconds.
func (a *app) signOut(ctx context.Context, db *sqlstore.DB, userID int64) {
	msg, err := live.EncodeForBus(live.Event{User: userID, Kind: live.KindSignedOut, All: true})
	if err != nil {
		return
	}
	if _, err := db.Notify(ctx, live.Channel, string(live.Shrink(msg))); err != nil {
		a.logger.Warn("telling the running instances about the sign-out", "error", sqlstore.SafeError(err))
	}
	if opt, err := redisOptions(a.cfg.RateLimitStorageURL); err == nil && opt != nil {
		client := redis.NewClient(opt)
		defer client.Close()
		if err := live.NewRedisBus(client, a.logger).Publish(ctx, msg); err != nil {
			a.logger.Warn("telling the running instances about the sign-out over Redis", "error", err)
		}
	}
}
