"""The learned recommender: a CRF sequence model trained on the team's done sentences.

- `features`: what the model sees of each token (pure);
- `data`: the training examples from the store, and the annotators' disagreement;
- `crf`: training with python-crfsuite (the model as bytes), its weights, and batched
  Viterbi and forward-backward;
- `tagging`: many sentences tagged at once, scores summed once per distinct token;
- `evaluate`: cross-validation by document against the lexicon alone and both;
- `suggest`: the model's suggestions, with a confidence, into the store;
- `auto`: retraining in a background process after enough newly done sentences.
"""
