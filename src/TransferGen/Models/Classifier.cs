using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>
/// A backbone followed by a classification head: features [N, F] → optional dropout → Linear → logits [N, K].
/// State-dict keys are <c>backbone.*</c> and <c>head.*</c>, so a saved model reloads into the same architecture.
/// </summary>
public sealed class Classifier : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> backbone;
    readonly Module<Tensor, Tensor> dropout;
    readonly TorchSharp.Modules.Linear head;

    /// <summary>Wraps <paramref name="backbone"/> (which outputs [N, <paramref name="featureDim"/>]) with a new head.</summary>
    public Classifier(Module<Tensor, Tensor> backbone, int featureDim, int classCount, double dropoutRate = 0) : base(nameof(Classifier))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        this.backbone = backbone;
        dropout = dropoutRate > 0 ? Dropout(dropoutRate) : Identity();
        head = Linear(featureDim, classCount);
        FeatureDim = featureDim;
        ClassCount = classCount;
        RegisterComponents();
    }

    /// <summary>The backbone (images → features).</summary>
    public Module<Tensor, Tensor> Backbone => backbone;

    /// <summary>The linear layer (features → logits).</summary>
    public TorchSharp.Modules.Linear Head => head;

    /// <summary>Length of the feature vector.</summary>
    public int FeatureDim { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Logits [N, K] for images [N, C, H, W].</summary>
    public override Tensor forward(Tensor images)
    {
        using var features = backbone.call(images);
        return Classify(features);
    }

    /// <summary>Logits [N, K] for backbone features [N, F] (the linear probe trains on cached features this way).</summary>
    public Tensor Classify(Tensor features)
    {
        using var dropped = dropout.call(features);
        return head.call(dropped);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            backbone.Dispose();
            dropout.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
