using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Writes TensorBoard scalars into <paramref name="folder"/> (view with <c>tensorboard --logdir RUN/tensorboard</c>):
/// every step's figures as <c>step/NAME</c> and every epoch's as <c>epoch/NAME</c>. A resumed run opens a new event
/// file in the same folder; its steps continue from the checkpoint, so TensorBoard joins the curves.
/// </summary>
/// <param name="folder">Folder for the event files.</param>
/// <param name="everySteps">Log step figures every this many steps (epoch figures are always logged).</param>
public sealed class TensorBoardLog(string folder, int everySteps = 10) : ICallback
{
    SummaryWriter? _writer;

    /// <summary>Runs with the other loggers, after the epoch's figures are complete.</summary>
    public int Order => 100;

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context)
    {
        Directory.CreateDirectory(folder);
        _writer = utils.tensorboard.SummaryWriter(folder, createRunName: false);
    }

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        if (_writer is null || context.GlobalStep % everySteps != 0) return;
        foreach (var (name, value) in context.LastStep)
            _writer.add_scalar("step/" + name, (float)value, (int)context.GlobalStep);
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (_writer is null) return;
        foreach (var (name, value) in context.EpochMetrics)
            _writer.add_scalar("epoch/" + name, (float)value, context.Epoch + 1);
    }

    /// <inheritdoc />
    public void AfterFit(TrainingContext context) => _writer = null;
}
