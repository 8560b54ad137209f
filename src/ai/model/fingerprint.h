// Fingerprints that tie a model artifact to its inputs: SHA-256, written as
// "sha256:<64 hex digits>".
//
// DatasetFingerprint covers what the model saw: the feature names, every row's
// stay (encounter id), hour, label and feature values (as IEEE-754 bytes). The
// same data and feature spec give the same fingerprint on any machine of the same
// byte order; any change to a value, a label or the set of stays changes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ai/model/dataset.h"

namespace vigil::ai {

std::string Sha256Fingerprint(std::string_view bytes);
std::string DatasetFingerprint(const Dataset& d, const std::vector<std::string>& feature_names);

}  // namespace vigil::ai
