package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"casegate/shared/benchdata"
)

func TestZZProfilePage(t *testing.T) {
	ctx, cancel := browser(t)
	defer cancel()
	root := buildWeb(t)
	base, pw, _, _ := demoServer(t, root)
	files := t.TempDir()
	p, _ := benchdata.File(files, 10000, "xlsx")
	open(t, ctx, base+"/login")
	_ = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), "admin@demo.example"), chromedp.SendKeys(chromedp.ID("login-password"), pw),
		chromedp.Click(chromedp.ID("login-btn")))
	waitJS(t, ctx, "home", `!!document.getElementById('start-import')`)
	open(t, ctx, base+"/import")
	waitJS(t, ctx, "the import page", `document.getElementById('index-state').textContent.includes('existing cases (as of') && !document.getElementById('check-btn').disabled`)
	time.Sleep(500 * time.Millisecond)
	_ = chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{p}))
	_, _ = chromedp.Call(ctx, profiler.Enable, cdp.Empty{})
	_, _ = chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 200})
	_, _ = chromedp.Call(ctx, profiler.Start, cdp.Empty{})
	js[bool](t, ctx, `(document.getElementById('check-btn').click(), true)`)
	_, _ = chromedp.Run(ctx, chromedp.Poll[bool](`!!document.getElementById('summary')`, chromedp.WithPollingTimeout(time.Minute)))
	res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	prof := res.Profile
	self := map[string]int{}
	idx := map[int64]*profiler.ProfileNode{}
	for _, n := range prof.Nodes {
		idx[n.ID] = n
	}
	for _, s := range prof.Samples {
		n := idx[s]
		self[n.CallFrame.FunctionName+" "+filepath.Base(n.CallFrame.URL)]++
	}
	type kv struct {
		k string
		v int
	}
	var out []kv
	for k, v := range self {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].v > out[j].v })
	for _, x := range out[:min(40, len(out))] {
		t.Logf("%6d %s", x.v, x.k)
	}
	_ = os.Remove("x")
}
