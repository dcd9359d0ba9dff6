using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>
/// Named layers run in order, like <c>nn.Sequential</c> (same child names, so the same state-dict keys), but inside
/// a DisposeScope. TorchSharp's TorchVision ResNet blocks do not dispose their intermediates (one forward of
/// resnet50 leaves 116 tensors to the finalizer): inside a training step's scope that is harmless, but an evaluation
/// or feature pass outside one let resident memory climb to 12.7 GB on the Fashion-MNIST test set.
/// </summary>
internal sealed class ScopedSequential : Module<Tensor, Tensor>
{
    readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Registers <paramref name="layers"/> as children under their names, in order.</summary>
    public ScopedSequential(IEnumerable<(string Name, Module<Tensor, Tensor> Layer)> layers) : base(nameof(ScopedSequential))
    {
        foreach (var (name, layer) in layers)
        {
            register_module(name, layer);
            _layers.Add(layer);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var layer in _layers) x = layer.call(x);
        return (ReferenceEquals(x, input) ? input.alias() : x).MoveToOuterDisposeScope();
    }
}
