using TorchSharp;

namespace TransferGen.Training.Callbacks;

/// <summary>Writes every epoch's figures as TensorBoard scalars (x-axis: epoch) into a folder of event files.</summary>
public sealed class TensorBoardLog(string folder) : ICallback
{
    TorchSharp.Modules.SummaryWriter? _writer;

    /// <summary>Runs with the other loggers, after the figures of the epoch are complete.</summary>
    public int Order => 100;

    /// <inheritdoc />
    public void BeforeFit(TrainingContext context) =>
        _writer ??= torch.utils.tensorboard.SummaryWriter(folder, createRunName: false);

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (_writer is null) return;
        foreach (var (name, value) in context.EpochMetrics)
            _writer.add_scalar(name.Replace('_', '/'), (float)value, context.Epoch + 1);
    }
}
