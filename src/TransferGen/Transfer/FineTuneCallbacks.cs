using TransferGen.Training;

namespace TransferGen.Transfer;

/// <summary>The callbacks that turn the generic training loop into a fine-tune.</summary>
internal static class FineTuneCallbacks
{
    /// <summary>All of them, for <paramref name="session"/>.</summary>
    public static IEnumerable<ICallback> For(FineTuneSession session)
    {
        yield return new PhaseControl(session);
        yield return new BestModelSelection(session);
        yield return new EarlyStopping(session);
        if (session.Run is not null) yield return new CheckpointWriter(session);
    }

    /// <summary>
    /// Enters each epoch's phase and sets the learning rate before every step; shares the model and the current
    /// phase's name with the other callbacks through <see cref="TrainingContext.Items"/>.
    /// </summary>
    internal sealed class PhaseControl(FineTuneSession session) : ICallback
    {
        public int Order => -200;

        public void BeforeFit(TrainingContext context) => context.Items[FineTuner.ModelItem] = session.Model;

        public void BeforeEpoch(TrainingContext context)
        {
            session.EnterPhaseFor(context.Epoch);
            context.Items[FineTuner.PhaseItem] = session.Current!.Name;
        }

        public void BeforeBatch(TrainingContext context) => session.ScheduleRate(context);
    }

    /// <summary>
    /// Keeps the weights of the epoch with the best validation accuracy; on equal accuracy the lower validation loss
    /// wins, since small validation splits often tie at 100 % while the model is still improving.
    /// </summary>
    sealed class BestModelSelection(FineTuneSession session) : ICallback
    {
        public int Order => 50;

        public void AfterEpoch(TrainingContext context)
        {
            if (context.EpochMetrics.TryGetValue("val_accuracy", out var score))
            {
                var loss = context.EpochMetrics.GetValueOrDefault("val_loss", double.PositiveInfinity);
                if (score > session.BestScore || (score == session.BestScore && loss < session.BestLoss))
                    session.KeepAsBest(score, loss, context.Epoch);
            }
            context.EpochMetrics["best_val_accuracy"] = session.BestScore;
        }
    }

    /// <summary>
    /// Stops when the last phase has gone <see cref="FineTuneOptions.Patience"/> epochs without beating the best
    /// score (counting only its own epochs, so a good probe does not cut the fine-tune short).
    /// </summary>
    sealed class EarlyStopping(FineTuneSession session) : ICallback
    {
        public int Order => 60;

        public void AfterEpoch(TrainingContext context)
        {
            var last = session.Phases[^1];
            var patience = last.ScalePatience(session.Options.Patience);
            if (patience == 0 || context.Epoch < last.FirstEpoch) return;
            var since = context.Epoch - Math.Max(session.BestEpoch, last.FirstEpoch - 1);
            if (since >= patience)
                context.RequestStop($"no better validation accuracy in {patience} epochs (best {session.BestScore:P1} at epoch {session.BestEpoch + 1})");
        }
    }

    /// <summary>
    /// Writes checkpoint.pt and checkpoint.json at the end of every epoch, after the other callbacks. A phase on
    /// cached features is checkpointed only at its end (or when stopping): redoing it costs seconds, while writing
    /// the whole model each millisecond-long epoch would dominate it.
    /// </summary>
    sealed class CheckpointWriter(FineTuneSession session) : ICallback
    {
        public int Order => 200;

        public void AfterEpoch(TrainingContext context)
        {
            var phase = session.Current!;
            var lastOfPhase = context.Epoch == phase.FirstEpoch + phase.Epochs - 1;
            if (phase.OnFeatures && !lastOfPhase && !context.StopRequested) return;
            session.SaveBestIfPending();
            var info = new CheckpointInfo
            {
                EpochsCompleted = context.Epoch + 1,
                GlobalStep = context.GlobalStep,
                Phase = session.Current!.Name,
                BestScore = session.BestScore,
                BestEpoch = session.BestEpoch,
                BestLoss = session.BestLoss,
                History = [.. context.History, new Dictionary<string, double>(context.EpochMetrics)],
                Seed = session.Options.Seed,
                Seconds = session.PriorSeconds + session.Clock.Elapsed.TotalSeconds,
                RngState = Checkpoint.CaptureRng(),
            };
            Checkpoint.Save(session.Run!, session.Model, session.Optimizer!, info, session.Joint?.Head);
        }
    }
}
