package libpq

// SetNoticeProcessor installs the function that receives notice and warning
// texts (PQsetNoticeProcessor). It receives what libpq's default processor
// would print to stderr: the formatted NoticeResponse ("WARNING:  there is
// already a transaction in progress\n") or a libpq-internal notice ("message
// type 0x5a arrived from server while idle\n"). A nil function restores the
// default processor, which appends each text to the list Notices returns.
// Results keep the processor that was installed when they were made.
func (c *Conn) SetNoticeProcessor(proc func(msg string)) {
	c.notice, c.noticeDefault = proc, proc == nil
	if proc == nil {
		c.notice = c.defaultNoticeProcessor
	}
}

// Notices returns the texts the default notice processor has collected.
func (c *Conn) Notices() []string {
	return c.notices
}

func (c *Conn) defaultNoticeProcessor(msg string) {
	c.notices = append(c.notices, msg)
}

// internalNotice is pqInternalNotice: the text is a primary message and
// the processor receives it with "\n" appended and no severity prefix.
// libpq formats into a 1024-byte buffer, so longer texts are cut to 1023
// bytes.
func internalNotice(proc func(string), msg string) {
	if proc == nil {
		return
	}
	if len(msg) > 1023 {
		msg = msg[:1023]
	}
	proc(cString(msg) + "\n")
}
