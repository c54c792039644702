// Package nats is a [plugins.Messenger] that publishes socialrx's domain
// events and outgoing messages to NATS JetStream, for other systems to
// subscribe to: a council's case system, a data warehouse, an email or SMS
// gateway.
//
// Every message becomes one JetStream message whose body is a [Payload]
// (JSON, schema in payload/payload.schema.json) on the subject
//
//	<prefix>.<event>            for events (ChannelEvent), e.g. socialrx.referral.accepted
//	<prefix>.message.<channel>  for email, SMS and letters, e.g. socialrx.message.sms
//
// with the idempotency key in the Nats-Msg-Id header. JetStream drops a
// second message with the same key inside the stream's de-duplication
// window, so a retried Send publishes once; its receipt is the first one,
// with Duplicate set. ExampleOpen (example_test.go) is the main flow:
// [Open] a [Messenger] on a NATS server and [Messenger.Send] a message;
// ExampleSubject shows the subjects.
//
// Open creates the stream (by default SOCIALRX, subjects "socialrx.>") when
// it does not exist, and otherwise uses it as its operator configured it.
//
// # Subscribing
//
// Read the stream with a JetStream consumer (durable, or ordered for a
// replay), filtered on the subjects you want: "socialrx.referral.>" for
// every referral event, "socialrx.message.email" for an email gateway,
// "socialrx.>" for everything. Validate each body against
// payload/payload.schema.json (or with [Validate]) and de-duplicate on its
// idempotency_key if acting twice would hurt: the stream holds one message
// per key, but a consumer may be redelivered a message it did not
// acknowledge. Do not use a plain core NATS subscription: it sees every
// publish, including the duplicates JetStream drops. Events about a person
// with do_not_contact set are published (they are not contact), and a
// subscriber must not contact that person because of them.
package nats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// Defaults of [Config].
const (
	// DefaultPrefix is the first token of every subject.
	DefaultPrefix = "socialrx"
	// DefaultStream is the JetStream stream that keeps the messages.
	DefaultStream = "SOCIALRX"
	// DefaultDuplicateWindow is how long JetStream remembers idempotency
	// keys. A Send repeated after it publishes again, so keep it longer
	// than the host's outbox retries last.
	DefaultDuplicateWindow = 24 * time.Hour
)

// Config says where to publish.
type Config struct {
	// URL lists the NATS servers, comma-separated, such as
	// "nats://127.0.0.1:4222".
	URL string
	// Prefix is the subject prefix, one or more dot-separated tokens;
	// "" means DefaultPrefix.
	Prefix string
	// Stream names the JetStream stream; "" means DefaultStream. Open
	// creates it with the subjects "<Prefix>.>" if it does not exist.
	Stream string
	// DuplicateWindow is the de-duplication window of a stream Open
	// creates; 0 means DefaultDuplicateWindow.
	DuplicateWindow time.Duration
	// MaxAge is how long a stream Open creates keeps messages; 0 keeps them
	// until the stream's other limits remove them.
	MaxAge time.Duration
	// Replicas is the number of replicas of a stream Open creates in a
	// clustered JetStream; 0 means 1.
	Replicas int
	// Options are extra connection options: credentials, TLS, a name.
	Options []natsgo.Option
}

// Messenger publishes to JetStream. It is safe for concurrent use.
type Messenger struct {
	nc     *natsgo.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	prefix string
	name   string

	mu   sync.Mutex
	down chan struct{} // closed while the connection is down
}

var _ plugins.Messenger = (*Messenger)(nil)

// Open connects to NATS and makes sure the stream exists. Codes: invalid
// (a bad prefix or stream name, or an existing stream that does not take
// the prefix's subjects), unavailable (NATS cannot be reached, or has no
// JetStream).
func Open(ctx context.Context, cfg Config) (*Messenger, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.DuplicateWindow == 0 {
		cfg.DuplicateWindow = DefaultDuplicateWindow
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	var fs []socialrx.FieldError
	if !validSubject(cfg.Prefix) {
		fs = append(fs, socialrx.Field("/prefix", "must be dot-separated tokens of letters, digits, '_' and '-'"))
	}
	if !validToken(cfg.Stream) {
		fs = append(fs, socialrx.Field("/stream", "must be letters, digits, '_' and '-'"))
	}
	if cfg.DuplicateWindow < 0 || cfg.MaxAge < 0 || (cfg.MaxAge > 0 && cfg.MaxAge < cfg.DuplicateWindow) {
		fs = append(fs, socialrx.Field("/duplicate_window", "must be positive and no longer than max_age"))
	}
	if cfg.Replicas < 1 {
		fs = append(fs, socialrx.Field("/replicas", "must be at least 1"))
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}

	o := natsgo.GetDefaultOptions()
	o.Servers = strings.Split(cfg.URL, ",")
	for _, opt := range append([]natsgo.Option{
		natsgo.Name("socialrx"),
		natsgo.Timeout(5 * time.Second),
		natsgo.MaxReconnects(-1),
		// While reconnecting, fail publishes at once (unavailable) instead
		// of buffering them: the host's outbox retries them later.
		natsgo.ReconnectBufSize(-1),
	}, cfg.Options...) {
		if err := opt(&o); err != nil {
			return nil, socialrx.Invalid(socialrx.Field("/options", "%v", err))
		}
	}
	m := &Messenger{prefix: cfg.Prefix, name: cfg.Stream, down: make(chan struct{})}
	// Track the connection, so that a publish in flight when it drops
	// fails at once rather than at its deadline.
	onDown, onUp := o.DisconnectedErrCB, o.ReconnectedCB
	o.DisconnectedErrCB = func(c *natsgo.Conn, err error) {
		m.setUp(false)
		if onDown != nil {
			onDown(c, err)
		}
	}
	o.ReconnectedCB = func(c *natsgo.Conn) {
		m.setUp(true)
		if onUp != nil {
			onUp(c)
		}
	}
	m.setUp(true)
	nc, err := o.Connect()
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "nats: cannot connect to %s: %w", redact(cfg.URL), err)
	}
	m.nc = nc
	if err := m.ensure(ctx, cfg); err != nil {
		nc.Close()
		return nil, err
	}
	return m, nil
}

// setUp records whether the connection is up: down is an open channel
// while it is, and closed while it is not.
func (m *Messenger) setUp(up bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-m.down: // down now
		if up {
			m.down = make(chan struct{})
		}
	default:
		if !up {
			close(m.down)
		}
	}
}

// lost returns a channel closed when the connection is (or goes) down.
func (m *Messenger) lost() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.down
}

// ensure finds or creates the stream.
func (m *Messenger) ensure(ctx context.Context, cfg Config) error {
	js, err := jetstream.New(m.nc)
	if err != nil {
		return mapErr(ctx, "jetstream", err)
	}
	want := cfg.Prefix + ".>"
	st, err := js.Stream(ctx, cfg.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:        cfg.Stream,
			Description: "socialrx domain events and outgoing messages",
			Subjects:    []string{want},
			Storage:     jetstream.FileStorage,
			Retention:   jetstream.LimitsPolicy,
			Duplicates:  cfg.DuplicateWindow,
			MaxAge:      cfg.MaxAge,
			Replicas:    cfg.Replicas,
		})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = js.Stream(ctx, cfg.Stream) // another host created it first
		}
	}
	if err != nil {
		return mapErr(ctx, "stream "+cfg.Stream, err)
	}
	covered := false
	for _, s := range st.CachedInfo().Config.Subjects {
		if s == want || s == ">" {
			covered = true
		}
	}
	if !covered {
		return socialrx.Invalid(socialrx.Field("/stream",
			"stream %s takes the subjects %v, not %s", cfg.Stream, st.CachedInfo().Config.Subjects, want))
	}
	m.js, m.stream = js, st
	return nil
}

// redact drops user information from a server URL for error messages.
func redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, u := range parts {
		if at := strings.LastIndex(u, "@"); at >= 0 {
			scheme := ""
			if s := strings.Index(u, "://"); s >= 0 && s < at {
				scheme = u[:s+3]
			}
			parts[i] = scheme + "***@" + u[at+1:]
		}
	}
	return strings.Join(parts, ",")
}

// Close drains nothing (publishes are synchronous) and closes the
// connection. It returns nil.
func (m *Messenger) Close() error {
	m.nc.Close()
	return nil
}

// Subject returns the subject a message of the channel and event is
// published on under prefix: "<prefix>.<event>" for events and
// "<prefix>.message.<channel>" for the other channels.
func Subject(prefix string, channel plugins.Channel, event string) string {
	if channel == plugins.ChannelEvent {
		return prefix + "." + event
	}
	return prefix + ".message." + string(channel)
}

// Send publishes m once per idempotency key and returns the receipt of the
// first publication: ID "<stream>:<sequence>" and At, when it was sent.
// Codes: invalid (no key, no or unknown role, unknown channel, no address
// for email/SMS/letter, no or malformed event name for an event, data not
// JSON), forbidden (the recipient asked not to be contacted; events are not
// contact), unavailable (NATS unreachable or slow, or ctx ended).
func (m *Messenger) Send(ctx context.Context, msg plugins.Message) (plugins.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "nats: %w", err)
	}
	if err := checkMessage(msg); err != nil {
		return plugins.Receipt{}, err
	}
	if msg.To.DoNotContact && msg.Channel != plugins.ChannelEvent {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeForbidden,
			"nats: %s %s asked not to be contacted", msg.To.Role, msg.To.ID)
	}
	p := newPayload(msg, time.Now())
	body, err := json.Marshal(p)
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeInternal, "nats: encode payload: %w", err)
	}
	if max := m.nc.MaxPayload(); max > 0 && int64(len(body)) > max-1024 {
		return plugins.Receipt{}, socialrx.Invalid(socialrx.Field("/body",
			"the message is %d bytes of JSON, more than the NATS server takes (%d)", len(body), max-1024))
	}
	out := natsgo.NewMsg(Subject(m.prefix, msg.Channel, msg.Event))
	out.Header.Set("Content-Type", "application/json")
	out.Data = body
	lost := m.lost()
	select {
	case <-lost:
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "nats: not connected (reconnecting)")
	default:
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-lost:
			cancel()
		case <-pctx.Done():
		}
	}()
	ack, err := m.js.PublishMsg(pctx, out, jetstream.WithMsgID(msg.IdempotencyKey), jetstream.WithExpectStream(m.name))
	if err != nil {
		if ctx.Err() == nil && pctx.Err() != nil {
			return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "nats: publish: the connection was lost")
		}
		return plugins.Receipt{}, mapErr(ctx, "publish", err)
	}
	r := plugins.Receipt{ID: fmt.Sprintf("%s:%d", ack.Stream, ack.Sequence), At: p.SentAt, Duplicate: ack.Duplicate}
	if ack.Duplicate {
		// The receipt is the first one: read when that was sent.
		first, err := m.stream.GetMsg(ctx, ack.Sequence)
		if err != nil {
			return plugins.Receipt{}, mapErr(ctx, "read the first message", err)
		}
		var fp Payload
		if json.Unmarshal(first.Data, &fp) == nil && !fp.SentAt.IsZero() {
			r.At = fp.SentAt
		} else {
			r.At = first.Time.UTC()
		}
	}
	return r, nil
}

// mapErr turns a NATS error into a [socialrx.Error]: JetStream refusing a
// request is internal (our bug or the operator's configuration); anything
// about reaching the server, timeouts and ended contexts is unavailable.
func mapErr(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return &socialrx.Error{Code: socialrx.CodeUnavailable, Message: "nats: " + op + ": " + ctx.Err().Error(), Err: errors.Join(ctx.Err(), err)}
	}
	code := socialrx.CodeUnavailable
	var api *jetstream.APIError
	if errors.As(err, &api) && api.Code != 503 && api.Code != 408 {
		code = socialrx.CodeInternal
	}
	if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
		code = socialrx.CodeUnavailable
	}
	return &socialrx.Error{Code: code, Message: "nats: " + op + ": " + err.Error(), Err: err}
}
