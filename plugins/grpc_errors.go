package plugins

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/socialrx/socialrx"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// grpcCodes maps each socialrx code to the gRPC code a plugin returns with
// it, so that clients in other languages see a fitting status.
var grpcCodes = map[socialrx.Code]codes.Code{
	socialrx.CodeInvalid:     codes.InvalidArgument,
	socialrx.CodeNotFound:    codes.NotFound,
	socialrx.CodeConflict:    codes.Aborted,
	socialrx.CodeForbidden:   codes.PermissionDenied,
	socialrx.CodeUnavailable: codes.Unavailable,
	socialrx.CodeInternal:    codes.Internal,
}

// socialrxCodes maps a gRPC code that came without an Error detail (from
// the gRPC machinery itself, or a plugin in another language that did not
// attach one) to a socialrx code. A message over the size limit
// (ResourceExhausted) is invalid input; codes not listed are internal.
var socialrxCodes = map[codes.Code]socialrx.Code{
	codes.InvalidArgument:    socialrx.CodeInvalid,
	codes.OutOfRange:         socialrx.CodeInvalid,
	codes.ResourceExhausted:  socialrx.CodeInvalid,
	codes.NotFound:           socialrx.CodeNotFound,
	codes.AlreadyExists:      socialrx.CodeConflict,
	codes.Aborted:            socialrx.CodeConflict,
	codes.FailedPrecondition: socialrx.CodeConflict,
	codes.PermissionDenied:   socialrx.CodeForbidden,
	codes.Unauthenticated:    socialrx.CodeForbidden,
	codes.Unavailable:        socialrx.CodeUnavailable,
	codes.DeadlineExceeded:   socialrx.CodeUnavailable,
	codes.Canceled:           socialrx.CodeUnavailable,
}

// toStatus turns an adapter's error into a gRPC status error that carries
// the socialrx code, message and fields as a pb.Error detail. An error that
// is not a socialrx.Error is internal, except a context error, which is
// unavailable like every other call that did not get through.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	var e *socialrx.Error
	if !errors.As(err, &e) {
		code := socialrx.CodeInternal
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			code = socialrx.CodeUnavailable
		}
		e = &socialrx.Error{Code: code, Message: err.Error()}
	}
	gc, ok := grpcCodes[e.Code]
	if !ok {
		gc = codes.Unknown
	}
	detail := &pb.Error{Code: string(e.Code), Message: e.Message}
	if detail.Message == "" && e.Err != nil {
		// The cause is not sent as such; Error() shows its text when there
		// is no message, so the text goes as the message.
		detail.Message = e.Err.Error()
	}
	for _, f := range e.Fields {
		detail.Fields = append(detail.Fields, &pb.FieldError{Path: f.Path, Rule: f.Rule})
	}
	st, werr := status.New(gc, e.Error()).WithDetails(detail)
	if werr != nil {
		return status.Error(gc, e.Error())
	}
	return st.Err()
}

// detailOf returns the socialrx error a status carries as a detail, if any.
func detailOf(st *status.Status) (*socialrx.Error, bool) {
	for _, d := range st.Details() {
		pe, ok := d.(*pb.Error)
		if !ok {
			continue
		}
		code := socialrx.Code(pe.Code)
		if _, known := grpcCodes[code]; !known {
			code = socialrx.CodeInternal
		}
		e := &socialrx.Error{Code: code, Message: pe.Message}
		for _, f := range pe.Fields {
			e.Fields = append(e.Fields, socialrx.FieldError{Path: f.Path, Rule: f.Rule})
		}
		return e, true
	}
	return nil, false
}

// fromStatus turns an error of a gRPC call into a socialrx.Error: the one in
// the status detail when there is one, otherwise by the gRPC code.
func fromStatus(err error) *socialrx.Error {
	st, ok := status.FromError(err)
	if !ok {
		return &socialrx.Error{Code: socialrx.CodeInternal, Message: "plugin call failed", Err: err}
	}
	if e, ok := detailOf(st); ok {
		return e
	}
	code, ok := socialrxCodes[st.Code()]
	if !ok {
		code = socialrx.CodeInternal
	}
	return &socialrx.Error{Code: code, Message: "plugin: " + st.Message()}
}
