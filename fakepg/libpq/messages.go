package libpq

import "github.com/jackc/pgproto3/v2"

// Per-message handlers called by parseInput once a whole message is
// buffered. Those that return bool return false where libpq returns EOF to
// mean "not enough data, wait": fields are read up to the end of buffered
// data, so a message shorter than its fields waits for bytes of the next
// message. The row and parameter description handlers and the row handler
// never wait: running out of data there is reported as "insufficient data".

// advanceAndError is the advance_and_error tail of getRowDescriptions,
// getParamDescriptions and getAnotherTuple: replace any partial result with
// an error, and treat the message as fully consumed so that parsing goes
// on. asyncStatus is left as it was.
func (c *Conn) advanceAndError(msgLength int, errmsg string) {
	c.clearAsyncResult()
	c.contentError(errmsg + "\n")
	c.inCursor = c.inStart + 5 + msgLength
}

// getRowDescriptions reads a RowDescription ('T').
func (c *Conn) getRowDescriptions(msgLength int) {
	const insufficient = `insufficient data in "T" message`
	h := c.queueHead()
	describe := h == nil || h.class == queryDescribe
	var result *Result
	if describe {
		if c.result != nil {
			result = c.result
		} else {
			result = c.makeResult(PGRES_COMMAND_OK)
		}
	} else {
		result = c.makeResult(PGRES_TUPLES_OK)
	}

	nfields, ok := c.getInt2()
	if !ok {
		c.advanceAndError(msgLength, insufficient)
		return
	}
	rd := pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, 0, min(nfields, 1024))}
	binary := nfields > 0
	for i := 0; i < nfields; i++ {
		name, ok1 := c.gets()
		var tableid, typid, atttypmod int32
		var columnid, typlen, format int
		ok := ok1
		if ok {
			tableid, ok = c.getInt4()
		}
		if ok {
			columnid, ok = c.getInt2()
		}
		if ok {
			typid, ok = c.getInt4()
		}
		if ok {
			typlen, ok = c.getInt2()
		}
		if ok {
			atttypmod, ok = c.getInt4()
		}
		if ok {
			format, ok = c.getInt2()
		}
		if !ok {
			c.advanceAndError(msgLength, insufficient)
			return
		}
		// pqGetInt returns 2-byte integers unsigned; libpq casts
		// columnid, typlen and format to int16.
		fd := pgproto3.FieldDescription{
			Name:                 []byte(name),
			TableOID:             uint32(tableid),
			TableAttributeNumber: uint16(columnid),
			DataTypeOID:          uint32(typid),
			DataTypeSize:         int16(typlen),
			TypeModifier:         atttypmod,
			Format:               int16(format),
		}
		if fd.Format != 1 {
			binary = false
		}
		rd.Fields = append(rd.Fields, fd)
	}
	result.fields = rd.Fields
	result.binary = 0
	if binary {
		result.binary = 1
	}
	c.result = result
	if describe {
		c.asyncStatus = asyncReady
	}
}

// getParamDescriptions reads a ParameterDescription ('t').
func (c *Conn) getParamDescriptions(msgLength int) {
	const insufficient = `insufficient data in "t" message`
	result := c.makeResult(PGRES_COMMAND_OK)
	nparams, ok := c.getInt2()
	if !ok {
		c.advanceAndError(msgLength, insufficient)
		return
	}
	pd := pgproto3.ParameterDescription{ParameterOIDs: make([]uint32, 0, min(nparams, 1024))}
	for i := 0; i < nparams; i++ {
		typid, ok := c.getInt4()
		if !ok {
			c.advanceAndError(msgLength, insufficient)
			return
		}
		pd.ParameterOIDs = append(pd.ParameterOIDs, uint32(typid))
	}
	result.paramTypes = pd.ParameterOIDs
	c.result = result
}

// getAnotherTuple reads a DataRow ('D') into the current TUPLES_OK result.
// On any error the rows received so far are discarded.
func (c *Conn) getAnotherTuple(msgLength int) {
	const insufficient = `insufficient data in "D" message`
	result := c.result
	nfields := len(result.fields)

	tupnfields, ok := c.getInt2()
	if !ok {
		c.advanceAndError(msgLength, insufficient)
		return
	}
	if tupnfields != nfields {
		c.advanceAndError(msgLength, `unexpected field count in "D" message`)
		return
	}
	row := pgproto3.DataRow{Values: make([][]byte, nfields)}
	for i := 0; i < nfields; i++ {
		vlen, ok := c.getInt4()
		if !ok {
			c.advanceAndError(msgLength, insufficient)
			return
		}
		start := c.inCursor
		if vlen > 0 {
			if !c.skipnchar(int(vlen)) {
				c.advanceAndError(msgLength, insufficient)
				return
			}
		}
		// Any negative length is NULL (pqRowProcessor tests clen < 0).
		if vlen >= 0 {
			row.Values[i] = append(make([]byte, 0, vlen), c.inBuf[start:start+int(vlen)]...)
		}
	}
	result.rows = append(result.rows, row.Values)
}

// getCopyStart reads CopyInResponse, CopyOutResponse or CopyBothResponse.
// The new result replaces any current one, as in libpq.
func (c *Conn) getCopyStart(copytype ExecStatus) bool {
	result := c.makeResult(copytype)
	overall, ok := c.getc()
	if !ok {
		return false
	}
	nfields, ok := c.getInt2()
	if !ok {
		return false
	}
	msg := pgproto3.CopyOutResponse{OverallFormat: overall, ColumnFormatCodes: make([]uint16, 0, min(nfields, 1024))}
	for i := 0; i < nfields; i++ {
		format, ok := c.getInt2()
		if !ok {
			return false
		}
		msg.ColumnFormatCodes = append(msg.ColumnFormatCodes, uint16(format))
	}
	result.binary = int(int8(msg.OverallFormat)) // copy_is_binary is a C char
	result.fields = make([]pgproto3.FieldDescription, len(msg.ColumnFormatCodes))
	for i, f := range msg.ColumnFormatCodes {
		result.fields[i].Format = int16(f)
	}
	c.result = result
	return true
}

// getReadyForQuery reads ReadyForQuery ('Z').
func (c *Conn) getReadyForQuery() bool {
	st, ok := c.getc()
	if !ok {
		return false
	}
	msg := pgproto3.ReadyForQuery{TxStatus: st}
	switch msg.TxStatus {
	case 'I':
		c.xactStatus = PQTRANS_IDLE
	case 'T':
		c.xactStatus = PQTRANS_INTRANS
	case 'E':
		c.xactStatus = PQTRANS_INERROR
	default:
		c.xactStatus = PQTRANS_UNKNOWN
	}
	return true
}

// getParameterStatus reads ParameterStatus ('S').
func (c *Conn) getParameterStatus() bool {
	name, ok := c.gets()
	if !ok {
		return false
	}
	value, ok := c.gets()
	if !ok {
		return false
	}
	c.saveParameterStatus(pgproto3.ParameterStatus{Name: name, Value: value})
	return true
}

// getBackendKeyData reads BackendKeyData ('K'). As in libpq the process ID
// is stored even if the key then turns out not to be buffered yet.
func (c *Conn) getBackendKeyData() bool {
	pid, ok := c.getInt4()
	if !ok {
		return false
	}
	c.bePID = pid
	key, ok := c.getInt4()
	if !ok {
		return false
	}
	c.beKey = key
	return true
}

// getNotify reads NotificationResponse ('A') and queues it.
func (c *Conn) getNotify() bool {
	pid, ok := c.getInt4()
	if !ok {
		return false
	}
	channel, ok := c.gets()
	if !ok {
		return false
	}
	payload, ok := c.gets()
	if !ok {
		return false
	}
	c.notifies = append(c.notifies, pgproto3.NotificationResponse{PID: uint32(pid), Channel: channel, Payload: payload})
	return true
}

// saveParameterStatus is pqSaveParameterStatus: remember the value and
// update the settings libpq tracks.
func (c *Conn) saveParameterStatus(ps pgproto3.ParameterStatus) {
	c.params[ps.Name] = ps.Value
	switch ps.Name {
	case "client_encoding":
		c.clientEncoding = encodingByName(ps.Value)
	case "standard_conforming_strings":
		c.stdStrings = ps.Value == "on"
	case "server_version":
		c.sversion = parseServerVersion(ps.Value)
	}
}

// parseServerVersion converts server_version as libpq does with
// sscanf("%d.%d.%d").
func parseServerVersion(v string) int {
	var nums [3]int
	cnt := 0
	rest := v
	for cnt < 3 {
		if cnt > 0 {
			if rest == "" || rest[0] != '.' {
				break
			}
			rest = rest[1:]
		}
		n, r, ok := scanCInt(rest)
		if !ok {
			break
		}
		nums[cnt] = n
		rest = r
		cnt++
	}
	vmaj, vmin, vrev := nums[0], nums[1], nums[2]
	switch {
	case cnt == 3:
		return (100*vmaj+vmin)*100 + vrev
	case cnt == 2 && vmaj >= 10:
		return 100*100*vmaj + vmin
	case cnt == 2:
		return (100*vmaj + vmin) * 100
	case cnt == 1:
		return 100 * 100 * vmaj
	}
	return 0
}

// scanCInt scans a decimal integer like scanf's %d: optional leading white
// space, an optional sign, at least one digit.
func scanCInt(s string) (int, string, bool) {
	i, neg := cNumberStart(s)
	start := i
	n := int64(0)
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n < 1<<40 {
			n = n*10 + int64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	if neg {
		n = -n
	}
	return int(int32(n)), s[i:], true
}

func isCSpace(b byte) bool {
	return b == ' ' || (b >= '\t' && b <= '\r')
}
