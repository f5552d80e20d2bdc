/// Placeholder so the target builds before its first algorithm lands.
enum BrainModelsPlaceholder {}
