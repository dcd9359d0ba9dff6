using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>
/// One optimiser update inside a training step, as the step events see it: which optimiser, the loss it minimises,
/// and whether it will step.
/// </summary>
public sealed class OptimizerStep
{
    internal OptimizerStep(NamedOptimizer optimizer, Tensor loss)
    {
        Named = optimizer;
        Loss = loss;
    }

    /// <summary>The optimiser as the context names it ("model", "g", "d").</summary>
    public NamedOptimizer Named { get; }

    /// <summary>The optimiser's name in the context.</summary>
    public string Name => Named.Name;

    /// <summary>The optimiser.</summary>
    public optim.Optimizer Optimizer => Named.Optimizer;

    /// <summary>The scalar loss to differentiate; an <see cref="ICallback.AfterLoss"/> handler may replace it.</summary>
    public Tensor Loss { get; set; }

    /// <summary>
    /// Set in <see cref="ICallback.AfterBackward"/> to leave the parameters unchanged this time and keep the gradients,
    /// so the next backward pass adds to them (gradient accumulation).
    /// </summary>
    public bool SkipStep { get; set; }
}

/// <summary>An optimiser registered in a <see cref="TrainingContext"/> under a name, with the base rates schedules scale.</summary>
public sealed class NamedOptimizer
{
    internal NamedOptimizer(string name, optim.Optimizer optimizer)
    {
        Name = name;
        Optimizer = optimizer;
        BaseRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>The name ("model", "g", "d"), also its key in checkpoints.</summary>
    public string Name { get; }

    /// <summary>The optimiser.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>
    /// Each parameter group's learning rate when the optimiser was registered, before any schedule or checkpoint
    /// changed it: what a schedule multiplies.
    /// </summary>
    public IReadOnlyList<double> BaseRates { get; }

    /// <summary>True after a skipped step: the gradients are kept for the next backward pass.</summary>
    internal bool Accumulating { get; set; }
}

/// <summary>
/// Turns a loss into an optimiser update. A training step written against this runs unchanged inside the loop (which
/// fires the step events) and outside it (<see cref="Plain"/>, e.g. in a benchmark).
/// </summary>
public interface ILossMinimizer
{
    /// <summary>Zeroes <paramref name="optimizer"/>'s gradients, back-propagates <paramref name="loss"/> and steps.</summary>
    void Minimize(Tensor loss, optim.Optimizer optimizer);

    /// <summary>zero_grad, backward, step: no events.</summary>
    static ILossMinimizer Plain { get; } = new PlainMinimizer();

    private sealed class PlainMinimizer : ILossMinimizer
    {
        public void Minimize(Tensor loss, optim.Optimizer optimizer)
        {
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }
}
