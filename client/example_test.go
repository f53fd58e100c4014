package client_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/zsdata/digitalspace/client"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

func ExampleNew() {
	// In production: sign.ParsePrivateKeyPEM(pemBytes, password) or an HSM
	// signer, and the platform key handed over at onboarding.
	key, _ := sm2.GenerateKey(rand.Reader)
	platform, _ := sm2.GenerateKey(rand.Reader)
	c, err := client.New(client.Config{
		BaseURL:       "https://gw.example.test/ebus",
		PaasID:        "zs-scdj-001",
		PaasTokenEnv:  "DS_PAAS_TOKEN",
		KeyID:         "k2026a",
		Signer:        key,
		PlatformKeys:  []sign.PublicKey{{KeyID: "p2026a", Key: &platform.PublicKey}},
		OrgName:       "中山市市场监督管理局",
		OrgCode:       "11442000MB2C00010H",
		SystemName:    "中山市商事登记全程电子化智能申报审批平台",
		GatewayPrefix: "x-tif-",
	})
	if err != nil {
		// a bad Config is a Validation error naming the field
		e, _ := dserrors.As(err)
		fmt.Println(e.Kind(), e.Field())
		return
	}
	fmt.Println(c.PaasID())
}

func ExampleClient_Do() {
	var c *client.Client // from client.New
	body, _ := json.Marshal(map[string]any{"subject": "personal", "scenario": "yss_code"})
	call := &client.Call{
		Route:      string(wire.RouteCreateAuthorization),
		Method:     http.MethodPost,
		Path:       wire.AuthorizationsPath(),
		Body:       body,
		Idempotent: true, // DSP/1 POSTs are idempotent by requestId
		AuthPage:   true, // 1000 ms budget to the authorization page
	}
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, call)
	switch dserrors.KindOf(err) {
	case dserrors.Unknown:
		fmt.Println(string(resp.Data), resp.Attempts)
	case dserrors.Network: // could not connect
	case dserrors.NoResponse: // connected, no answer in time
	case dserrors.Platform: // an error answer: dserrors.CodeOf(err) is DSnnnn or GW40x
	}
}
