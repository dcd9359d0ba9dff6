using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// The training context of a classifier run (finetune, pretrain, lr-find): the classifier being trained, typed, and
/// registered as the module "model" (a joint objective adds its source head as "source_head").
/// </summary>
public sealed class ClassifierTrainingContext : TrainingContext
{
    /// <summary>A context training <paramref name="model"/> on <paramref name="device"/>.</summary>
    public ClassifierTrainingContext(Classifier model, Device? device = null) : base(device)
    {
        Model = model;
        AddModule("model", model);
    }

    /// <summary>The classifier (backbone + head) being trained.</summary>
    public Classifier Model { get; }
}
