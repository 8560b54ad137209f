// HL7 v2 escape sequences (v2.8 chapter 2, 2.7 "Use of escape sequences in
// text fields"), with E the message's escape character (MSH-2.3):
//
//   EFE EST ETE ERE EEE   field, component, sub-component, repetition and escape
//                         characters
//   EXhhhh...E            the bytes given in hex (pairs of hex digits)
//   E.brE                 a line break ("\n"); E.spE / E.sp<n>E one / n line breaks
//   E.ceE                 a line break (centering starts a new line)
//   EHE ENE               highlighting on/off: dropped
//   E.in E.ti E.sk E.fi E.nf, ECxxyyE EMxxyyzzE EZ...E
//                         indentation, fill mode, character-set switches and
//                         locally defined escapes: dropped (they describe
//                         presentation or encoding, not text)
//
// Anything else, and an escape character without its closing partner, is kept
// literally: decoding never fails. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ingest/hl7v2/message.h"

namespace vigil::hl7v2 {

// Decodes the escape sequences of one leaf value.
std::string Unescape(std::string_view raw, const Delimiters& delimiters);

// Encodes text for a leaf value: each delimiter becomes its escape sequence
// and CR/LF become \X0D\ / \X0A\. When the message has no escape character,
// delimiters are replaced by spaces (they cannot be written otherwise).
std::string Escape(std::string_view text, const Delimiters& delimiters);

}  // namespace vigil::hl7v2
