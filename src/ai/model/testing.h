// Test support: a tiny trained model and its artifact, for tests of what sits
// on top of artifacts (the model registry, live scoring) and of artifacts
// themselves. Not linked into the product.
//
// TinyStays: 150 stays of 36 h with hourly heart rate; every third one septic
// at hour 24 with the heart rate climbing from hour 16. TinyFeatures: age,
// hours since admission and five heart-rate features. TinyConfig: 15 rounds,
// one thread. All deterministic.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ai/features.h"
#include "ai/labels.h"
#include "ai/model/artifact.h"
#include "ai/model/train.h"
#include "ai/timeline.h"

namespace vigil::ai::testing {

std::vector<Stay> TinyStays(LabelMap* labels);
FeatureSet TinyFeatures();
TrainConfig TinyConfig();

// Trains on TinyStays with TinyConfig and writes the artifact to dir (name
// "sepsis-test"); `seed` changes the training data's noise, so different seeds
// give different models.
absl::Status WriteTinyArtifact(const std::string& dir, int seed = 99);

}  // namespace vigil::ai::testing
