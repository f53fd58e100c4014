package errors

import (
	stderrors "errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorMatching(t *testing.T) {
	e := New(Details{Kind: Platform, Code: "DS3002", Message: "wrong state", RequestID: "rid", HTTPStatus: 409, Attempts: 1, Cause: io.EOF})
	wrapped := fmt.Errorf("create: %w", e)

	got, ok := As(wrapped)
	require.True(t, ok)
	assert.Equal(t, "DS3002", got.Code())
	assert.Equal(t, "rid", got.RequestID())
	assert.False(t, got.Retryable())
	assert.True(t, stderrors.Is(wrapped, Platform))
	assert.False(t, stderrors.Is(wrapped, Network))
	assert.True(t, stderrors.Is(wrapped, New(Details{Kind: Platform, Code: "DS3002"})))
	assert.True(t, stderrors.Is(wrapped, New(Details{Kind: Platform})))
	assert.False(t, stderrors.Is(wrapped, New(Details{Kind: Platform, Code: "DS3003"})))
	assert.True(t, stderrors.Is(wrapped, io.EOF))
	assert.Equal(t, Platform, KindOf(wrapped))
	assert.Equal(t, "DS3002", CodeOf(wrapped))
	assert.Contains(t, e.Error(), "DS3002")
	assert.Contains(t, e.Error(), "requestId=rid")
	assert.Equal(t, "该授权当前状态不能办理此操作，请刷新后重试。", UserMessageFor(wrapped))
}

func TestUserMessages(t *testing.T) {
	for k := Unknown; k <= Canceled; k++ {
		assert.NotEmpty(t, UserMessageForKind(k), k.String())
		assert.NotEqual(t, "", k.String())
	}
	assert.Equal(t, kindMessages[Network], New(Details{Kind: Network, Code: CodeNetwork}).UserMessage())
	assert.Equal(t, kindMessages[Unknown], UserMessageFor(io.EOF))
	assert.Equal(t, "kind(99)", Kind(99).String())
}

func TestValidationf(t *testing.T) {
	e := Validationf("holder.idNumber", "check digit is wrong")
	assert.Equal(t, Validation, e.Kind())
	assert.Equal(t, "holder.idNumber", e.Field())
	assert.Contains(t, e.Error(), "[field holder.idNumber]")
	c := e.WithAttempts(2, "r2")
	assert.Equal(t, 2, c.Attempts())
	assert.Equal(t, 0, e.Attempts())
	assert.False(t, IsRetryable(e))
}

func TestInvalid(t *testing.T) {
	e := Invalid("DS2001", "purpose", "purpose must be 2-200 characters", "用途说明应为2至200个字")
	assert.Equal(t, "用途说明应为2至200个字", e.UserMessage())
	assert.Equal(t, "DS2001", e.Code())
	assert.Equal(t, CodeValidation, Invalid("", "x", "m", "u").Code())
}

// An unsigned answer is a transport failure when an intermediary gave it
// (Network) and a security failure when it claims success (Signature):
// the end user's message follows the kind.
func TestUnsignedMessageFollowsKind(t *testing.T) {
	assert.Equal(t, kindMessages[Network], New(Details{Kind: Network, Code: CodeUnsigned}).UserMessage())
	assert.Equal(t, kindMessages[Signature], New(Details{Kind: Signature, Code: CodeUnsigned}).UserMessage())
}
