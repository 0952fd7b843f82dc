"""satchel.nn: Torch7-style layers, losses and optimisers written once against FloatingSignature
(learning-rate schedules in satchel.nn.schedule).

Every module takes ``unit=T`` (any floating unit of any device) and runs unchanged on
each; mypy checks it against all of them.
"""

from . import init, schedule
from .activation import GELU, LeakyReLU, LogSoftMax, ReLU, Sigmoid, SoftMax, Tanh
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .data import DataLoader
from .embedding import Embedding
from .linear import Dropout, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss, NLLLoss
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .module import Flatten, Identity, Module, Parameter, Sequential
from .optim import SGD, Adam, AdamW, Optimizer
from ._unit import Index, Unit
from .serialize import load, save

__all__ = ["SGD", "Adam", "AdamW", "AvgPool2d", "BCELoss", "BatchNorm1d", "BatchNorm2d", "Conv2d", "Embedding",
           "LayerNorm", "MaxPool2d", "BCEWithLogitsLoss", "CrossEntropyLoss", "DataLoader", "Dropout",
           "Flatten", "GELU", "Identity", "Index", "LeakyReLU", "Linear", "LogSoftMax", "Loss", "MSELoss", "Module",
           "NLLLoss", "Optimizer", "Parameter", "ReLU", "Sequential", "Sigmoid", "SoftMax", "Tanh", "Unit", "init", "load",
           "save", "schedule"]
