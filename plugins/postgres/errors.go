package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/socialrx/socialrx"
)

// mapErr turns a pgx or PostgreSQL error into a [socialrx.Error]:
// a unique violation is conflict, a missing parent row not_found, bad data
// invalid, and anything that says the database is unreachable, shutting
// down, overloaded, or that the context ended, unavailable. An error that is
// already a socialrx.Error passes unchanged.
func mapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var se *socialrx.Error
	if errors.As(err, &se) {
		return err
	}
	code := classify(ctx, err)
	msg := "postgres: " + op
	if code == socialrx.CodeUnavailable && ctx.Err() != nil {
		// Keep context.Canceled / DeadlineExceeded reachable with errors.Is.
		return &socialrx.Error{Code: code, Message: msg + ": " + ctx.Err().Error(), Err: errors.Join(ctx.Err(), err)}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg += ": " + pe.Message
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		msg += " [SQLSTATE " + pe.Code + "]"
	} else {
		msg += ": " + err.Error()
	}
	return &socialrx.Error{Code: code, Message: msg, Err: err}
}

// classify picks the socialrx code for err.
func classify(ctx context.Context, err error) socialrx.Code {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		c := pe.Code
		switch {
		case c == "23505": // unique_violation
			return socialrx.CodeConflict
		case c == "23503": // foreign_key_violation
			return socialrx.CodeNotFound
		case strings.HasPrefix(c, "22"), c == "23514", c == "54000": // data exception, check violation, too long for an index
			return socialrx.CodeInvalid
		case c == "57014" && ctx.Err() != nil: // query_canceled by our context
			return socialrx.CodeUnavailable
		case strings.HasPrefix(c, "08"), // connection exception
			strings.HasPrefix(c, "53"),  // insufficient resources (too many connections, disk full)
			strings.HasPrefix(c, "57P"), // admin/crash shutdown, cannot connect now
			strings.HasPrefix(c, "28"),  // invalid authorization: the database refuses us
			strings.HasPrefix(c, "58"),  // system error (I/O)
			c == "3D000",                // the database does not exist
			c == "40001", c == "40P01",  // serialization failure, deadlock: retry
			c == "55P03", c == "57014", c == "25P03": // lock not available, statement/idle timeouts
			return socialrx.CodeUnavailable
		}
		return socialrx.CodeInternal
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return socialrx.CodeUnavailable
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, puddle.ErrClosedPool),
		pgconn.Timeout(err), pgconn.SafeToRetry(err):
		return socialrx.CodeUnavailable
	}
	return socialrx.CodeInternal
}
