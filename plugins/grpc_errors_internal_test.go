package plugins

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/socialrx/socialrx"
)

// A status without an Error detail (from the gRPC machinery, or a plugin in
// another language that attached none) maps by its gRPC code; every
// socialrx code maps to a gRPC code and back to itself.
func TestStatusCodeMapping(t *testing.T) {
	tests := []struct {
		grpc codes.Code
		want socialrx.Code
	}{
		{codes.Canceled, socialrx.CodeUnavailable},
		{codes.Unknown, socialrx.CodeInternal},
		{codes.InvalidArgument, socialrx.CodeInvalid},
		{codes.DeadlineExceeded, socialrx.CodeUnavailable},
		{codes.NotFound, socialrx.CodeNotFound},
		{codes.AlreadyExists, socialrx.CodeConflict},
		{codes.PermissionDenied, socialrx.CodeForbidden},
		{codes.ResourceExhausted, socialrx.CodeInvalid},
		{codes.FailedPrecondition, socialrx.CodeConflict},
		{codes.Aborted, socialrx.CodeConflict},
		{codes.OutOfRange, socialrx.CodeInvalid},
		{codes.Unimplemented, socialrx.CodeInternal},
		{codes.Internal, socialrx.CodeInternal},
		{codes.Unavailable, socialrx.CodeUnavailable},
		{codes.DataLoss, socialrx.CodeInternal},
		{codes.Unauthenticated, socialrx.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.grpc.String(), func(t *testing.T) {
			e := fromStatus(status.Error(tt.grpc, "why"))
			assert.Equal(t, tt.want, e.Code)
			assert.Contains(t, e.Message, "why")
		})
	}
	for _, code := range socialrx.Code("").EnumValues() {
		t.Run("round trip "+code, func(t *testing.T) {
			err := toStatus(socialrx.Errorf(socialrx.Code(code), "x"))
			st, _ := status.FromError(err)
			assert.Equal(t, grpcCodes[socialrx.Code(code)], st.Code())
			// Without the detail, the gRPC code alone still gives the code.
			assert.Equal(t, socialrx.Code(code), fromStatus(status.Error(st.Code(), "x")).Code)
			assert.Equal(t, socialrx.Code(code), fromStatus(err).Code)
		})
	}
	t.Run("unknown code in a detail", func(t *testing.T) {
		e := fromStatus(toStatus(&socialrx.Error{Code: "teapot", Message: "x"}))
		assert.Equal(t, socialrx.CodeInternal, e.Code)
	})
}
