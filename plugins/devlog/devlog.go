// Package devlog is a [plugins.Messenger] for development: instead of
// sending email, SMS, letters or bus events it appends each message as one
// JSON line to a log file, where a developer (or a test) reads what the
// host would have sent. It is not for production: nothing leaves the
// machine, and the file holds the names and addresses in the messages.
//
// It behaves like a real messenger where the host can tell: a message is
// written once per idempotency key, also across a restart (Open reads the
// keys already in the file), and a recipient who asked not to be contacted
// is refused with forbidden. It passes the Messenger conformance suite of
// package plugintest.
//
// [Open] a log file and [Messenger.Send] to it, as ExampleMessenger
// (example_test.go) does.
//
// Each line is an [Entry]; [ReadLog] reads a file back.
package devlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/plugins"
)

// Entry is one line of the log: a message and the receipt it was given.
type Entry struct {
	// ReceiptID is the reference returned in the receipt.
	ReceiptID string `json:"receipt_id"`
	// At is when the message was written, in UTC.
	At time.Time `json:"at"`
	// Message is the message as sent.
	Message plugins.Message `json:"message"`
}

// Messenger writes messages to a log file. It is safe for concurrent use;
// open one Messenger per file.
type Messenger struct {
	mu     sync.Mutex
	f      *os.File
	size   int64 // bytes of complete lines in f
	sent   map[string]plugins.Receipt
	closed bool
}

var _ plugins.Messenger = (*Messenger)(nil)

// Open opens or creates the log file at path and reads the keys already
// sent. A new file is created with mode 0600, and missing directories with
// 0700, whatever the umask; an existing file keeps its mode. A last line
// cut short by a crash is cut off. Codes: invalid (a line of the file is
// not an entry), unavailable (the file cannot be opened, read or repaired).
func Open(path string) (*Messenger, error) {
	f, err := fileperm.OpenFile(path, os.O_RDWR)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: read %s: %w", path, err)
	}
	entries, good, err := parse(data)
	if err != nil {
		f.Close()
		return nil, socialrx.Errorf(socialrx.CodeInvalid, "devlog: %s: %w", path, err)
	}
	if tail := data[good:]; len(tail) > 0 {
		// A last line without its newline: keep it if it is a whole entry
		// (edited by hand), else it is a write cut short by a crash.
		var repair error
		if e, err := decodeEntry(tail); err == nil {
			entries = append(entries, e)
			_, repair = f.WriteAt([]byte("\n"), int64(len(data)))
			good = len(data) + 1
		} else {
			repair = f.Truncate(int64(good))
		}
		if err := repair; err != nil {
			f.Close()
			return nil, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: repair %s: %w", path, err)
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: %w", err)
	}
	m := &Messenger{f: f, size: int64(good), sent: make(map[string]plugins.Receipt, len(entries))}
	for _, e := range entries {
		if _, ok := m.sent[e.Message.IdempotencyKey]; !ok {
			m.sent[e.Message.IdempotencyKey] = plugins.Receipt{ID: e.ReceiptID, At: e.At}
		}
	}
	return m, nil
}

// ReadLog reads the entries of a log, ignoring a last line cut short by a
// crash. Codes: invalid (a complete line is not an entry; the error's field
// is the line's index as a JSON pointer, such as "/3"), unavailable (r fails).
func ReadLog(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: %w", err)
	}
	entries, _, err := parse(data)
	return entries, err
}

// parse reads the complete lines of data; good is their length. A final
// line without its newline is a torn write and is left out.
func parse(data []byte) (entries []Entry, good int, err error) {
	for line := 0; ; line++ {
		i := bytes.IndexByte(data[good:], '\n')
		if i < 0 {
			return entries, good, nil
		}
		b := data[good : good+i]
		good += i + 1
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		e, err := decodeEntry(b)
		if err != nil {
			return nil, 0, socialrx.Invalid(socialrx.Field(fmt.Sprintf("/%d", line), "%v", err))
		}
		entries = append(entries, e)
	}
}

// decodeEntry decodes one line strictly.
func decodeEntry(b []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("not an entry: %v", err)
	}
	if dec.More() {
		return Entry{}, errors.New("more than one value on the line")
	}
	if e.ReceiptID == "" {
		return Entry{}, errors.New("no receipt_id")
	}
	if e.Message.IdempotencyKey == "" {
		return Entry{}, errors.New("no message idempotency_key")
	}
	if e.At.IsZero() {
		return Entry{}, errors.New("no time")
	}
	return e, nil
}

// Send writes m to the log once per idempotency key and returns its
// receipt; a repeated key returns the first receipt marked Duplicate.
// Codes: invalid (no key, unknown role or channel, no address for email,
// SMS or letter, no event name for an event, data not JSON), forbidden (the
// recipient asked not to be contacted; events are not contact), unavailable
// (ctx done, the messenger closed, or the write failed).
func (m *Messenger) Send(ctx context.Context, msg plugins.Message) (plugins.Receipt, error) {
	if err := validate(msg); err != nil {
		return plugins.Receipt{}, err
	}
	if msg.To.DoNotContact && msg.Channel != plugins.ChannelEvent {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeForbidden, "devlog: %s %s asked not to be contacted", msg.To.Role, msg.To.ID)
	}
	if err := ctx.Err(); err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: closed")
	}
	if r, ok := m.sent[msg.IdempotencyKey]; ok {
		r.Duplicate = true
		return r, nil
	}
	e := Entry{ReceiptID: "devlog-" + uuid.NewString(), At: time.Now().UTC().Round(0), Message: msg}
	line, err := json.Marshal(e)
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeInternal, "devlog: %w", err)
	}
	line = append(line, '\n')
	if _, err := m.f.Write(line); err != nil {
		// Cut a partial line off so the next line starts clean.
		_ = m.f.Truncate(m.size)
		_, _ = m.f.Seek(m.size, io.SeekStart)
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: write: %w", err)
	}
	if err := m.f.Sync(); err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "devlog: sync: %w", err)
	}
	m.size += int64(len(line))
	r := plugins.Receipt{ID: e.ReceiptID, At: e.At}
	m.sent[msg.IdempotencyKey] = r
	return r, nil
}

// Close closes the file; later sends return unavailable.
func (m *Messenger) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	if err := m.f.Close(); err != nil {
		return socialrx.Errorf(socialrx.CodeUnavailable, "devlog: close: %w", err)
	}
	return nil
}

// validate checks every field of msg.
func validate(msg plugins.Message) error {
	var fs []socialrx.FieldError
	if msg.IdempotencyKey == "" {
		fs = append(fs, socialrx.Field("/idempotency_key", "is required"))
	}
	switch msg.To.Role {
	case plugins.RoleLinkWorker, plugins.RolePartner, plugins.RoleReferrer, plugins.RolePerson:
	case "":
		fs = append(fs, socialrx.Field("/to/role", "is required"))
	default:
		fs = append(fs, socialrx.Field("/to/role", "must be link_worker, partner, referrer or person"))
	}
	switch msg.Channel {
	case plugins.ChannelEmail, plugins.ChannelSMS, plugins.ChannelLetter:
		if msg.To.Address == "" {
			fs = append(fs, socialrx.Field("/to/address", "is required for %s", msg.Channel))
		}
	case plugins.ChannelEvent:
		if msg.Event == "" {
			fs = append(fs, socialrx.Field("/event", "is required for an event"))
		}
	case "":
		fs = append(fs, socialrx.Field("/channel", "is required"))
	default:
		fs = append(fs, socialrx.Field("/channel", "must be email, sms, letter or event"))
	}
	if len(msg.Data) > 0 && !json.Valid(msg.Data) {
		fs = append(fs, socialrx.Field("/data", "must be JSON"))
	}
	return socialrx.Invalid(fs...)
}
