using TransferGen.Training;
using TransferGen.Training.Callbacks;

namespace TransferGen.Transfer;

/// <summary>The callbacks that turn the training loop into a fine-tune, most of them the engine's shared ones.</summary>
internal static class FineTuneCallbacks
{
    /// <summary>
    /// All of them for <paramref name="session"/>: its phase control, the schedule, best-model selection (held in
    /// <paramref name="best"/>, which the caller restores and disposes), early stopping, the NaN stop, and with a run
    /// folder the checkpoint writer and the loggers.
    /// </summary>
    public static List<ICallback> For(FineTuneSession session, BestModelSelection best, string kind)
    {
        var callbacks = new List<ICallback>
        {
            new PhaseControl(session),
            new LearningRateScheduler(session.ScheduleFactor),
            best,
            new EarlyStopping(best),
            new NonFiniteLossStop(),
        };
        if (session.Run is { } run)
        {
            // A phase on cached features runs in milliseconds an epoch: it is checkpointed only at its end.
            callbacks.Add(new CheckpointWriter(run.Path, kind, context => !session.Current!.OnFeatures || session.Current.EndsWith(context.Epoch)));
            callbacks.Add(new MetricsLog(run.Path));
            callbacks.Add(new TensorBoardLog(run.TensorBoardPath));
            callbacks.Add(new TrainingCurvesCallback(run.Path));
        }
        return callbacks;
    }

    /// <summary>
    /// The selection of the weights with the best validation accuracy (lower validation loss between equal accuracies),
    /// written to model.pt; during a phase on cached features the write waits for the phase's end.
    /// </summary>
    public static BestModelSelection Best(FineTuneSession session) =>
        new(session.Model, session.Run?.ModelPath,
            deferWrite: context => session.Current!.OnFeatures && !session.Current.EndsWith(context.Epoch) && !context.StopRequested);

    /// <summary>Enters each epoch's phase (freezing, feature caches, its optimiser) before its first batch.</summary>
    internal sealed class PhaseControl(FineTuneSession session) : ICallback
    {
        public int Order => -200;

        public void BeforeEpoch(TrainingContext context) => session.EnterPhaseFor(context);
    }
}
