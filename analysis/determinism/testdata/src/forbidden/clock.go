package forbidden

import "time"

func clock() {
	start := time.Now()                    // want `^time.Now: code under simulation must use the world's virtual clock \(World.Now, World.Sleep, World.AfterFunc\) \(to allow it: //poolsim:allow time -- <justification>\)$`
	_ = time.Since(start)                  // want `time.Since`
	_ = time.Until(start)                  // want `time.Until`
	time.Sleep(time.Millisecond)           // want `time.Sleep`
	<-time.After(time.Second)              // want `channel receive` `time.After`
	time.AfterFunc(time.Second, func() {}) // want `time.AfterFunc`
	_ = time.NewTimer(time.Second)         // want `time.NewTimer`
	_ = time.NewTicker(time.Second)        // want `time.NewTicker`
	_ = time.Tick(time.Second)             // want `time.Tick`
	now := time.Now                        // want `time.Now`
	_ = now
}
