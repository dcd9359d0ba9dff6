using TransferGen.Data;

namespace TransferGen.Transfer;

/// <summary>
/// The source side of the joint objective L = L_target + λ·L_source (<c>finetune --source SOURCE --lambda λ</c>): a
/// labelled dataset whose "train" split trains a second, separate linear head on the shared backbone while the
/// target trains. λ is <see cref="FineTuneOptions.SourceLambda"/>; the source head never enters model.pt.
/// </summary>
/// <param name="Dataset">The source data; only its "train" split is used.</param>
/// <param name="Spec">How the user named it, recorded in config.json so a resume reloads it (null for data built in code).</param>
public sealed record SourceTask(ImageDataset Dataset, string? Spec = null);
